import { sql, type Transaction } from 'kysely';
import type { Database } from './schema';

/**
 * Reserves `count` consecutive versions in a stream and returns the first. Must run inside the write's
 * transaction: the upsert takes the stream's row lock until commit, so versions in one stream are committed in
 * the order they are handed out and a pull cursor (last version seen per stream) can never skip a row.
 */
export async function reserveVersions(trx: Transaction<Database>, stream: string, count = 1): Promise<number> {
  const row = await trx
    .insertInto('stream_versions')
    .values({ stream, version: count })
    .onConflict((oc) => oc.column('stream').doUpdateSet({ version: sql<number>`stream_versions.version + ${count}` }))
    .returning('version')
    .executeTakeFirstOrThrow();
  return row.version - count + 1;
}
