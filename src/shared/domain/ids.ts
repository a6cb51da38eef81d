import { z } from 'zod';
import { uuidv7 } from 'uuidv7';

/** Every id is a UUIDv7 made where the thing is created (device or server), so offline work never needs renumbering. */
export const IdSchema = z.uuid({ error: 'không phải mã định danh hợp lệ (UUID)' });
export type Id = z.infer<typeof IdSchema>;

export function newId(): Id {
  return uuidv7();
}
