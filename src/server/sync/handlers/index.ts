import type { MutationName } from '../../../shared/sync/mutations';
import { attendanceMarkHandler } from './attendance-mark';
import { DRILL_HANDLERS } from './drill';
import type { MutationHandler } from './handler';
import { consentRecordHandler } from './consent-record';
import {
  classSaveHandler,
  personLinkParentHandler,
  personMoveHandler,
  personSaveHandler,
  personUnlinkParentHandler,
} from './org-roster';
import { activityTypeSaveHandler, requirementRemoveHandler, requirementSaveHandler } from './plan-catalogue';
import { sessionCreateHandler } from './session-create';
import { sessionCancelHandler, sessionUpdateHandler } from './session-edit';
import { commitmentSignHandler } from './commitment-sign';
import { sessionCompleteHandler } from './session-complete';

/** Every catalogue entry has its handler: adding a mutation to the catalogue without one does not compile. */
export const HANDLERS: { [N in MutationName]: MutationHandler<N> } = {
  'attendance.mark': attendanceMarkHandler,
  'session.create': sessionCreateHandler,
  'session.update': sessionUpdateHandler,
  'session.cancel': sessionCancelHandler,
  'activityType.save': activityTypeSaveHandler,
  'requirement.save': requirementSaveHandler,
  'requirement.remove': requirementRemoveHandler,
  ...DRILL_HANDLERS,
  'commitment.sign': commitmentSignHandler,
  'session.complete': sessionCompleteHandler,
  'class.save': classSaveHandler,
  'person.save': personSaveHandler,
  'person.move': personMoveHandler,
  'person.linkParent': personLinkParentHandler,
  'person.unlinkParent': personUnlinkParentHandler,
  'consent.record': consentRecordHandler,
};
