import Dexie, { type Table } from 'dexie';
import type { EntityName, EntityRow } from '../../shared/sync/wire';
import {
  DB_NAME,
  STORES_V1,
  STORES_V2,
  BOOKKEEPING_TABLES,
  type CursorRow,
  type DeviceAccount,
  type MetaRow,
  type OutboxEntry,
  type ServerRow,
} from './schema';

type EntityTables = { [E in EntityName]: Table<EntityRow<E>, E extends 'attendance' ? [string, string] : string> };

/**
 * The device database. Later versions are added next to version(1) as
 * `this.version(2).stores({...}).upgrade(tx => ...)`; a declared version is never edited or removed.
 */
export class TruongAnDb extends Dexie {
  declare outbox: Table<OutboxEntry, number>;
  declare serverRows: Table<ServerRow, [string, string]>;
  declare cursors: Table<CursorRow, string>;
  declare accounts: Table<DeviceAccount, string>;
  declare meta: Table<MetaRow, string>;

  constructor(name: string = DB_NAME, options?: ConstructorParameters<typeof Dexie>[1]) {
    super(name, options);
    this.version(1).stores(STORES_V1);
    this.version(2).stores(STORES_V2);
  }

  /** The table of a pulled entity, typed by its contract name. */
  entity<E extends EntityName>(name: E): EntityTables[E] {
    return this.table(name) as unknown as EntityTables[E];
  }

  /** Every entity table, for transactions that apply a pull page. */
  entityTables(): Table[] {
    return (Object.keys(STORES_V2) as (keyof typeof STORES_V2)[])
      .filter((t) => !BOOKKEEPING_TABLES.has(t))
      .map((t) => this.table(t));
  }
}

let current: TruongAnDb | null = null;

/** The app's one database, opened on first use. */
export function getDb(): TruongAnDb {
  current ??= new TruongAnDb();
  return current;
}

/** Replaces the app's database (tests give each case a fresh one). */
export function setDb(db: TruongAnDb | null): void {
  current = db;
}
