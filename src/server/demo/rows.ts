import type { Database } from '../db/schema';

/** Tables the demo fills, in the order they are inserted: every row comes after the rows it refers to. */
export const DEMO_TABLES = [
  'units',
  'unit_memberships',
  'school_years',
  'terms',
  'classes',
  'persons',
  'person_links',
  'users',
  'role_grants',
  'activity_types',
  'requirements',
  'sessions',
  'attendance',
  'attendance_history',
  'drill_records',
  'drill_headcounts',
  'commitments',
  'consents',
] as const satisfies readonly (keyof Database)[];
export type DemoTable = (typeof DEMO_TABLES)[number];

/** The tables whose rows travel in a pull and so carry (stream, version). */
export const SYNCED_DEMO_TABLES = [
  'units',
  'school_years',
  'classes',
  'persons',
  'activity_types',
  'requirements',
  'sessions',
  'attendance',
  'drill_records',
  'drill_headcounts',
  'commitments',
  'consents',
] as const satisfies readonly DemoTable[];
export type SyncedDemoTable = (typeof SYNCED_DEMO_TABLES)[number];

export type DemoRows = { [T in DemoTable]: Database[T][] };

export function emptyRows(): DemoRows {
  return Object.fromEntries(DEMO_TABLES.map((t) => [t, []])) as unknown as DemoRows;
}

/** Placeholder until versions are reserved in the loading transaction (see insert.ts). */
export const UNVERSIONED = 0;
