import type { Kysely, CreateTableBuilder } from 'kysely';

/**
 * The whole model of DESIGN.md, for SQLite and PostgreSQL alike: later work adds columns, not foundations.
 * Portable types only (text, integer); see schema.ts for why.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Db = Kysely<any>;

function synced<T extends string, C extends string>(t: CreateTableBuilder<T, C>) {
  return t
    .addColumn('stream', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull());
}

export async function up(db: Db): Promise<void> {
  await synced(
    db.schema
      .createTable('units')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('code', 'text')
      .addColumn('parent_id', 'text', (c) => c.references('units.id'))
      .addColumn('cluster_id', 'text', (c) => c.references('units.id'))
      .addColumn('school_level', 'text')
      .addColumn('status', 'text', (c) => c.notNull().defaultTo('active'))
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull()),
  ).execute();
  await db.schema.createIndex('units_parent').on('units').column('parent_id').execute();
  await db.schema.createIndex('units_cluster').on('units').column('cluster_id').execute();

  await db.schema
    .createTable('unit_memberships')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('unit_id', 'text', (c) => c.notNull().references('units.id'))
    .addColumn('parent_id', 'text', (c) => c.notNull().references('units.id'))
    .addColumn('axis', 'text', (c) => c.notNull())
    .addColumn('valid_from', 'text', (c) => c.notNull())
    .addColumn('valid_to', 'text')
    .execute();
  await db.schema.createIndex('unit_memberships_unit').on('unit_memberships').columns(['unit_id', 'axis']).execute();
  await db.schema.createIndex('unit_memberships_parent').on('unit_memberships').columns(['parent_id', 'axis']).execute();

  await synced(
    db.schema
      .createTable('school_years')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('department_id', 'text', (c) => c.notNull().references('units.id'))
      .addColumn('label', 'text', (c) => c.notNull())
      .addColumn('start_date', 'text', (c) => c.notNull())
      .addColumn('end_date', 'text', (c) => c.notNull()),
  )
    .addUniqueConstraint('school_years_label', ['department_id', 'label'])
    .execute();

  await db.schema
    .createTable('terms')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('school_year_id', 'text', (c) => c.notNull().references('school_years.id'))
    .addColumn('no', 'integer', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('start_date', 'text', (c) => c.notNull())
    .addColumn('end_date', 'text', (c) => c.notNull())
    .addUniqueConstraint('terms_no', ['school_year_id', 'no'])
    .execute();

  await synced(
    db.schema
      .createTable('classes')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('school_id', 'text', (c) => c.notNull().references('units.id'))
      .addColumn('school_year_id', 'text', (c) => c.notNull().references('school_years.id'))
      .addColumn('grade', 'integer', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('code', 'text')
      .addColumn('homeroom_person_id', 'text')
      .addColumn('status', 'text', (c) => c.notNull().defaultTo('active')),
  ).execute();
  await db.schema.createIndex('classes_school').on('classes').columns(['school_id', 'school_year_id']).execute();

  await synced(
    db.schema
      .createTable('persons')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('school_id', 'text', (c) => c.notNull().references('units.id'))
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('full_name', 'text', (c) => c.notNull())
      .addColumn('code', 'text')
      .addColumn('birth_year', 'integer')
      .addColumn('sex', 'text')
      .addColumn('class_id', 'text', (c) => c.references('classes.id'))
      .addColumn('role_tags', 'text', (c) => c.notNull().defaultTo('[]'))
      .addColumn('status', 'text', (c) => c.notNull().defaultTo('active'))
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull()),
  ).execute();
  await db.schema.createIndex('persons_school').on('persons').columns(['school_id', 'kind']).execute();
  await db.schema.createIndex('persons_class').on('persons').column('class_id').execute();
  await db.schema.createIndex('persons_code').on('persons').columns(['school_id', 'code']).execute();

  await db.schema
    .createTable('person_links')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('school_id', 'text', (c) => c.notNull().references('units.id'))
    .addColumn('parent_id', 'text', (c) => c.notNull().references('persons.id'))
    .addColumn('student_id', 'text', (c) => c.notNull().references('persons.id'))
    .addUniqueConstraint('person_links_pair', ['parent_id', 'student_id'])
    .execute();
  await db.schema.createIndex('person_links_student').on('person_links').column('student_id').execute();

  await db.schema
    .createTable('users')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('username', 'text', (c) => c.notNull().unique())
    .addColumn('display_name', 'text', (c) => c.notNull())
    .addColumn('password_hash', 'text', (c) => c.notNull())
    .addColumn('person_id', 'text', (c) => c.references('persons.id'))
    .addColumn('active', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('must_change_password', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('role_grants')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('unit_id', 'text', (c) => c.notNull().references('units.id'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('role_grants_unique', ['user_id', 'role', 'unit_id'])
    .execute();

  await db.schema
    .createTable('auth_tokens')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('revoked_at', 'text')
    .execute();
  await db.schema.createIndex('auth_tokens_user').on('auth_tokens').column('user_id').execute();

  await synced(
    db.schema
      .createTable('activity_types')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('owner_unit_id', 'text', (c) => c.notNull().references('units.id'))
      .addColumn('code', 'text', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('name_en', 'text', (c) => c.notNull())
      .addColumn('scenarios', 'text', (c) => c.notNull())
      .addColumn('audiences', 'text', (c) => c.notNull())
      .addColumn('indicators', 'text', (c) => c.notNull())
      .addColumn('carries_commitment', 'integer', (c) => c.notNull())
      .addColumn('carries_periods', 'integer', (c) => c.notNull()),
  ).execute();

  await synced(
    db.schema
      .createTable('requirements')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('owner_unit_id', 'text', (c) => c.notNull().references('units.id'))
      .addColumn('school_year_id', 'text', (c) => c.notNull().references('school_years.id'))
      .addColumn('title', 'text', (c) => c.notNull())
      .addColumn('target', 'text', (c) => c.notNull())
      .addColumn('activity_type_id', 'text', (c) => c.notNull().references('activity_types.id'))
      .addColumn('scenario_code', 'text')
      .addColumn('rotate_scenarios', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('frequency', 'text', (c) => c.notNull())
      .addColumn('audience', 'text', (c) => c.notNull())
      .addColumn('indicator', 'text'),
  ).execute();

  await synced(
    db.schema
      .createTable('sessions')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('school_id', 'text', (c) => c.references('units.id'))
      .addColumn('scope_unit_id', 'text', (c) => c.notNull().references('units.id'))
      .addColumn('school_year_id', 'text', (c) => c.notNull().references('school_years.id'))
      .addColumn('activity_type_id', 'text', (c) => c.notNull().references('activity_types.id'))
      .addColumn('scenario_code', 'text')
      .addColumn('title', 'text', (c) => c.notNull())
      .addColumn('starts_at', 'text', (c) => c.notNull())
      .addColumn('ends_at', 'text', (c) => c.notNull())
      .addColumn('place', 'text')
      .addColumn('audience', 'text', (c) => c.notNull())
      .addColumn('facilitator_person_id', 'text')
      .addColumn('trainer_user_id', 'text', (c) => c.references('users.id'))
      .addColumn('material_ids', 'text', (c) => c.notNull().defaultTo('[]'))
      .addColumn('periods', 'integer')
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('revision', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('created_by', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull()),
  ).execute();
  await db.schema.createIndex('sessions_school').on('sessions').columns(['school_id', 'starts_at']).execute();
  await db.schema.createIndex('sessions_scope').on('sessions').column('scope_unit_id').execute();
  await db.schema.createIndex('sessions_trainer').on('sessions').column('trainer_user_id').execute();

  await synced(
    db.schema
      .createTable('attendance')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('school_id', 'text', (c) => c.notNull().references('units.id'))
      .addColumn('session_id', 'text', (c) => c.notNull().references('sessions.id'))
      .addColumn('person_id', 'text', (c) => c.notNull().references('persons.id'))
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('note', 'text')
      .addColumn('marked_by', 'text', (c) => c.notNull())
      .addColumn('marked_at', 'text', (c) => c.notNull())
      .addUniqueConstraint('attendance_session_person', ['session_id', 'person_id']),
  ).execute();
  await db.schema.createIndex('attendance_person').on('attendance').column('person_id').execute();

  await db.schema
    .createTable('attendance_history')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('school_id', 'text', (c) => c.notNull())
    .addColumn('session_id', 'text', (c) => c.notNull())
    .addColumn('person_id', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('note', 'text')
    .addColumn('marked_by', 'text', (c) => c.notNull())
    .addColumn('marked_at', 'text', (c) => c.notNull())
    .addColumn('mutation_id', 'text', (c) => c.notNull())
    .addColumn('client_id', 'text', (c) => c.notNull())
    .addColumn('received_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('attendance_history_session')
    .on('attendance_history')
    .columns(['session_id', 'person_id'])
    .execute();

  await synced(
    db.schema
      .createTable('drill_records')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('school_id', 'text', (c) => c.notNull().references('units.id'))
      .addColumn('session_id', 'text', (c) => c.notNull().references('sessions.id'))
      .addColumn('scenario_code', 'text')
      .addColumn('alarm_at', 'text')
      .addColumn('all_clear_at', 'text')
      .addColumn('evacuation_seconds', 'integer')
      .addColumn('expected_count', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('accounted_count', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('missing_count', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('observations', 'text', (c) => c.notNull().defaultTo('[]'))
      .addColumn('notes', 'text')
      .addColumn('photo_hashes', 'text', (c) => c.notNull().defaultTo('[]'))
      .addUniqueConstraint('drill_records_session', ['school_id', 'session_id']),
  ).execute();

  await synced(
    db.schema
      .createTable('commitments')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('school_id', 'text', (c) => c.notNull().references('units.id'))
      .addColumn('school_year_id', 'text', (c) => c.notNull().references('school_years.id'))
      .addColumn('person_id', 'text', (c) => c.notNull().references('persons.id'))
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('signed_by', 'text', (c) => c.notNull())
      .addColumn('signer_person_id', 'text')
      .addColumn('method', 'text', (c) => c.notNull())
      .addColumn('signature_hash', 'text')
      .addColumn('signed_at', 'text', (c) => c.notNull())
      .addColumn('device_id', 'text')
      .addUniqueConstraint('commitments_once', ['school_year_id', 'person_id', 'kind']),
  ).execute();

  await synced(
    db.schema
      .createTable('materials')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('owner_unit_id', 'text', (c) => c.notNull().references('units.id'))
      .addColumn('school_id', 'text', (c) => c.references('units.id'))
      .addColumn('title', 'text', (c) => c.notNull())
      .addColumn('description', 'text')
      .addColumn('activity_type_id', 'text')
      .addColumn('school_level', 'text')
      .addColumn('school_year_id', 'text')
      .addColumn('tags', 'text', (c) => c.notNull().defaultTo('[]'))
      .addColumn('mime', 'text', (c) => c.notNull())
      .addColumn('size', 'integer', (c) => c.notNull())
      .addColumn('sha256', 'text', (c) => c.notNull())
      .addColumn('uploaded_by', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull()),
  ).execute();

  // Pull reads each synced table by (stream, version); the unique index also proves versions are never reused.
  for (const table of [
    'units',
    'school_years',
    'classes',
    'persons',
    'activity_types',
    'requirements',
    'sessions',
    'attendance',
    'drill_records',
    'commitments',
    'materials',
  ]) {
    await db.schema.createIndex(`${table}_stream_version`).on(table).columns(['stream', 'version']).unique().execute();
  }

  await db.schema
    .createTable('applied_mutations')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('stream', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('client_id', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('content_hash', 'text', (c) => c.notNull())
    .addColumn('applied_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('stream_versions')
    .addColumn('stream', 'text', (c) => c.primaryKey())
    .addColumn('version', 'integer', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('tombstones')
    .addColumn('entity', 'text', (c) => c.notNull())
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('stream', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('deleted_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('tombstones_pk', ['entity', 'id'])
    .execute();
  await db.schema.createIndex('tombstones_stream_version').on('tombstones').columns(['stream', 'version']).unique().execute();

  await db.schema
    .createTable('audit_log')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text')
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('entity', 'text')
    .addColumn('entity_id', 'text')
    .addColumn('school_id', 'text')
    .addColumn('details', 'text')
    .execute();
  await db.schema.createIndex('audit_log_at').on('audit_log').column('at').execute();
}

export async function down(db: Db): Promise<void> {
  for (const table of [
    'audit_log',
    'tombstones',
    'stream_versions',
    'applied_mutations',
    'materials',
    'commitments',
    'drill_records',
    'attendance_history',
    'attendance',
    'sessions',
    'requirements',
    'activity_types',
    'auth_tokens',
    'role_grants',
    'users',
    'person_links',
    'persons',
    'classes',
    'terms',
    'school_years',
    'unit_memberships',
    'units',
  ]) {
    await db.schema.dropTable(table).execute();
  }
}
