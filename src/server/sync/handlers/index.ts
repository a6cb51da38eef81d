import type { MutationName } from '../../../shared/sync/mutations';
import { attendanceMarkHandler } from './attendance-mark';
import type { MutationHandler } from './handler';
import { activityTypeSaveHandler, requirementRemoveHandler, requirementSaveHandler } from './plan-catalogue';
import { sessionCreateHandler } from './session-create';
import { sessionCancelHandler, sessionUpdateHandler } from './session-edit';

/** Every catalogue entry has its handler: adding a mutation to the catalogue without one does not compile. */
export const HANDLERS: { [N in MutationName]: MutationHandler<N> } = {
  'attendance.mark': attendanceMarkHandler,
  'session.create': sessionCreateHandler,
  'session.update': sessionUpdateHandler,
  'session.cancel': sessionCancelHandler,
  'activityType.save': activityTypeSaveHandler,
  'requirement.save': requirementSaveHandler,
  'requirement.remove': requirementRemoveHandler,
};
