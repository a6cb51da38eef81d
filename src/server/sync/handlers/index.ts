import type { MutationName } from '../../../shared/sync/mutations';
import { attendanceMarkHandler } from './attendance-mark';
import type { MutationHandler } from './handler';

/** Every catalogue entry has its handler: adding a mutation to the catalogue without one does not compile. */
export const HANDLERS: { [N in MutationName]: MutationHandler<N> } = {
  'attendance.mark': attendanceMarkHandler,
};
