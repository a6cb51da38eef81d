import type { TruongAnDb } from '../db/database';
import { getClockOffset } from '../db/repositories/meta';

/**
 * The corrected time now: device time plus the offset learned from the server's clock. Tablets' clocks drift and are
 * set by hand; "latest observation wins" needs times that compare across devices.
 */
export async function correctedNow(db: TruongAnDb, now: () => number): Promise<string> {
  return new Date(now() + (await getClockOffset(db))).toISOString();
}
