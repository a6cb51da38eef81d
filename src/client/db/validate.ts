import { ENTITY_SCHEMAS, type EntityName, type EntityRow } from '../../shared/sync/wire';

/**
 * Rows from the server and rows read back from IndexedDB are untrusted (an older app version, a bug, a
 * tampered profile): the entity's shared schema decides, and a row that fails it is skipped, never stored.
 */
export function parseEntityRow<E extends EntityName>(entity: E, row: unknown): EntityRow<E> | null {
  const parsed = ENTITY_SCHEMAS[entity].safeParse(row);
  return parsed.success ? (parsed.data as EntityRow<E>) : null;
}

/** Keeps the rows that pass their schema; the count of the others is reported, not thrown. */
export function parseEntityRows<E extends EntityName>(
  entity: E,
  rows: readonly unknown[],
): { rows: EntityRow<E>[]; invalid: number } {
  const valid: EntityRow<E>[] = [];
  let invalid = 0;
  for (const row of rows) {
    const parsed = parseEntityRow(entity, row);
    if (parsed) valid.push(parsed);
    else invalid += 1;
  }
  return { rows: valid, invalid };
}
