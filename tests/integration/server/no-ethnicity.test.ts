import fs from 'node:fs';
import path from 'node:path';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { STORES_V2 } from '../../../src/client/db/schema';
import { testDbKinds } from '../../helpers/db';

/**
 * Ethnicity is sensitive personal data (Luật 91/2025) that this product never holds: no field of any shared schema,
 * no column of any table, no index of the device database may be about it. Comments saying so are fine, so fields
 * are checked, not text.
 */
const ETHNIC = /ethnic|dan_?toc|dântộc|dân tộc|nation_?ality|minority/i;

const root = path.resolve(__dirname, '../../../src');

function filesUnder(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    return e.isDirectory() ? filesUnder(full) : e.name.endsWith('.ts') ? [full] : [];
  });
}

/** Every key of every object schema reachable from `schema` (zod 4 keeps the parts in `_zod.def`). */
function keysOf(schema: unknown, seen = new Set<unknown>()): string[] {
  if (!schema || typeof schema !== 'object' || seen.has(schema)) return [];
  seen.add(schema);
  const def = (schema as { _zod?: { def?: Record<string, unknown> } })._zod?.def;
  if (!def) return [];
  const out: string[] = [];
  if (def.type === 'object' && def.shape && typeof def.shape === 'object') {
    for (const [key, value] of Object.entries(def.shape as Record<string, unknown>)) out.push(key, ...keysOf(value, seen));
  }
  for (const [key, value] of Object.entries(def)) {
    if (key === 'shape') continue;
    if (Array.isArray(value)) for (const v of value) out.push(...keysOf(v, seen));
    else out.push(...keysOf(value, seen));
  }
  return out;
}

describe('no ethnicity field anywhere', () => {
  it('the walk finds fields (a self-check, so that an empty walk cannot pass)', async () => {
    const { PersonSchema } = await import('../../../src/shared/domain/people');
    expect(keysOf(PersonSchema)).toEqual(expect.arrayContaining(['fullName', 'birthYear', 'studentIds']));
    expect(ETHNIC.test('dan_toc')).toBe(true);
    expect(ETHNIC.test('ethnicity')).toBe(true);
  });

  it('no shared schema has a field about ethnicity', async () => {
    const files = filesUnder(path.join(root, 'shared'));
    expect(files.length).toBeGreaterThan(10);
    const offending: string[] = [];
    let checked = 0;
    for (const file of files) {
      const mod = (await import(file)) as Record<string, unknown>;
      for (const [name, value] of Object.entries(mod)) {
        const keys = keysOf(value);
        checked += keys.length;
        for (const key of keys) if (ETHNIC.test(key)) offending.push(`${path.relative(root, file)} ${name}.${key}`);
      }
    }
    expect(checked).toBeGreaterThan(100);
    expect(offending).toEqual([]);
  });

  it('no migration adds a column about ethnicity, and the device database indexes none', () => {
    const migrations = filesUnder(path.join(root, 'server/db/migrations'));
    const columns = migrations.flatMap((f) => [...fs.readFileSync(f, 'utf8').matchAll(/(?:addColumn|createTable)\('([^']+)'/g)].map((m) => m[1]!));
    expect(columns.length).toBeGreaterThan(50);
    expect(columns.filter((c) => ETHNIC.test(c))).toEqual([]);
    expect(Object.entries(STORES_V2).filter(([table, spec]) => ETHNIC.test(table) || ETHNIC.test(spec))).toEqual([]);
  });

  it.each(testDbKinds())('no column of the migrated $kind database is about ethnicity', async ({ open }) => {
    const db = await open();
    try {
      const rows =
        db.kind === 'sqlite'
          ? (
              await sql<{ name: string }>`select p.name as name from sqlite_master m join pragma_table_info(m.name) p where m.type = 'table'`.execute(
                db.kysely,
              )
            ).rows
          : (
              await sql<{ name: string }>`select column_name as name from information_schema.columns where table_schema = current_schema()`.execute(
                db.kysely,
              )
            ).rows;
      expect(rows.length).toBeGreaterThan(100);
      expect(rows.map((r) => r.name).filter((n) => ETHNIC.test(n))).toEqual([]);
    } finally {
      await db.drop();
    }
  });
});
