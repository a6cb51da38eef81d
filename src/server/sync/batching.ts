import { CompiledQuery, type Compilable, type Kysely, type QueryResult, type Transaction } from 'kysely';
import type { Database } from '../db/schema';

/**
 * Multi-row statements stay under the smaller of the two databases' bound-parameter limits
 * (SQLite 32,766, PostgreSQL 65,535), with room to spare for the statement's own parameters.
 */
const MAX_PARAMETERS = 30_000;

/** How many rows of `columns` values one multi-row statement may carry. */
export function rowsPerStatement(columns: number): number {
  return Math.max(1, Math.floor(MAX_PARAMETERS / columns));
}

export function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** Ids for an IN list, deduplicated and chunked to stay under the parameter limit. */
export function idChunks(ids: Iterable<string>): string[][] {
  return chunk([...new Set(ids)], MAX_PARAMETERS);
}

/**
 * Multi-row statements built and compiled by Kysely once per shape (statement and row count), then run with
 * fresh parameters. Building and compiling a 500-row insert costs about a millisecond, as much as SQLite takes to
 * write the rows, and a push runs several of them per batch. One cache per database: the SQL text is the dialect's.
 */
export class StatementCache {
  private readonly texts = new Map<string, string>();

  /**
   * Runs `build(rows)`'s statement for `rows`, whose objects must all have the same keys in the same order (the
   * parameters are their values, row after row). The first compilation of a shape checks exactly that.
   */
  async run<T extends object, R>(
    db: Kysely<Database> | Transaction<Database>,
    name: string,
    rows: T[],
    build: (rows: T[]) => Compilable<R>,
  ): Promise<QueryResult<R>> {
    const parameters: unknown[] = [];
    for (const row of rows) for (const value of Object.values(row)) parameters.push(value);
    const key = `${name}:${rows.length}`;
    let text = this.texts.get(key);
    if (text === undefined) {
      const compiled = build(rows).compile();
      const same =
        compiled.parameters.length === parameters.length && compiled.parameters.every((p, i) => p === parameters[i]);
      if (!same) throw new Error(`statement ${name} does not take its rows' values in order; it cannot be cached`);
      text = compiled.sql;
      this.texts.set(key, text);
    }
    return db.executeQuery(CompiledQuery.raw(text, parameters) as CompiledQuery<R>);
  }
}
