/**
 * The database as Kysely sees it. Column types are chosen so that SQLite and PostgreSQL answer the same
 * queries with the same values: ids, dates and instants are text (ISO-8601, so text order is time order),
 * booleans are 0/1 integers, lists and small objects are JSON text, versions are 32-bit integers.
 */

/** Columns of every row that travels in a pull: the unit whose version stream it belongs to and its place in it. */
export interface Synced {
  /** A unit id: the school for school rows, the owning commune office or department for shared rows. */
  stream: string;
  /** Unique within the stream and assigned under the stream's row lock, so a pull cursor never skips a row. */
  version: number;
}

export interface UnitTable extends Synced {
  id: string;
  kind: string;
  name: string;
  code: string | null;
  parent_id: string | null;
  cluster_id: string | null;
  school_level: string | null;
  status: string;
  created_at: string;
  updated_at: string;
}

/** Where a unit hung in the tree (or which cluster it belonged to) over time: past years' coverage stays with the old parent. */
export interface UnitMembershipTable {
  id: string;
  unit_id: string;
  parent_id: string;
  axis: 'tree' | 'cluster';
  valid_from: string;
  valid_to: string | null;
}

export interface SchoolYearTable extends Synced {
  id: string;
  department_id: string;
  label: string;
  start_date: string;
  end_date: string;
}

export interface TermTable {
  id: string;
  school_year_id: string;
  no: number;
  name: string;
  start_date: string;
  end_date: string;
}

export interface ClassTable extends Synced {
  id: string;
  school_id: string;
  school_year_id: string;
  grade: number;
  name: string;
  code: string | null;
  homeroom_person_id: string | null;
  status: string;
}

export interface PersonTable extends Synced {
  id: string;
  school_id: string;
  kind: string;
  full_name: string;
  code: string | null;
  birth_year: number | null;
  sex: string | null;
  class_id: string | null;
  role_tags: string;
  status: string;
  joined_on: string | null;
  left_on: string | null;
  created_at: string;
  updated_at: string;
}

export interface PersonLinkTable {
  id: string;
  school_id: string;
  parent_id: string;
  student_id: string;
}

export interface UserTable {
  id: string;
  username: string;
  display_name: string;
  password_hash: string;
  person_id: string | null;
  active: number;
  must_change_password: number;
  created_at: string;
  updated_at: string;
}

export interface RoleGrantTable {
  id: string;
  user_id: string;
  role: string;
  unit_id: string;
  created_at: string;
}

export interface AuthTokenTable {
  id: string;
  user_id: string;
  /** sha256 of the token: the token itself is never stored. */
  token_hash: string;
  created_at: string;
  expires_at: string;
  revoked_at: string | null;
}

export interface ActivityTypeTable extends Synced {
  id: string;
  owner_unit_id: string;
  code: string;
  name: string;
  name_en: string;
  scenarios: string;
  audiences: string;
  indicators: string;
  carries_commitment: number;
  carries_periods: number;
}

export interface RequirementTable extends Synced {
  id: string;
  owner_unit_id: string;
  school_year_id: string;
  title: string;
  target: string;
  activity_type_id: string;
  scenario_code: string | null;
  rotate_scenarios: number;
  frequency: string;
  audience: string;
  indicator: string | null;
}

export interface SessionTable extends Synced {
  id: string;
  school_id: string | null;
  scope_unit_id: string;
  school_year_id: string;
  activity_type_id: string;
  scenario_code: string | null;
  title: string;
  starts_at: string;
  ends_at: string;
  place: string | null;
  audience: string;
  facilitator_person_id: string | null;
  trainer_user_id: string | null;
  material_ids: string;
  periods: number | null;
  status: string;
  revision: number;
  created_by: string;
  created_at: string;
  updated_at: string;
  /** Sessions made together from one recurrence share it. */
  series_id: string | null;
  /** Why the session was cancelled, as the planner wrote it. */
  cancel_reason: string | null;
}

/**
 * The sessions assigned to a trainer, as the trainer's own version stream (`assigned:<userId>`): a trainer's
 * devices pull their sessions across schools from it. `assigned = 0` tells them to drop a session handed to
 * someone else.
 */
export interface TrainerSessionFeedTable {
  stream: string;
  session_id: string;
  version: number;
  assigned: number;
}

/** Secret per-user iCalendar feed URLs; only the sha256 of the token is stored. */
export interface CalendarFeedTable {
  id: string;
  user_id: string;
  token_hash: string;
  created_at: string;
  revoked_at: string | null;
}

export interface AttendanceTable extends Synced {
  id: string;
  school_id: string;
  session_id: string;
  person_id: string;
  status: string;
  note: string | null;
  marked_by: string;
  marked_at: string;
}

/** Every mark ever received, so that disagreeing devices can be shown to the principal. */
export interface AttendanceHistoryTable {
  id: string;
  school_id: string;
  session_id: string;
  person_id: string;
  status: string;
  note: string | null;
  marked_by: string;
  marked_at: string;
  mutation_id: string;
  client_id: string;
  received_at: string;
}

export interface DrillRecordTable extends Synced {
  id: string;
  school_id: string;
  session_id: string;
  scenario_code: string | null;
  alarm_at: string | null;
  all_clear_at: string | null;
  evacuation_seconds: number | null;
  expected_count: number;
  accounted_count: number;
  missing_count: number;
  observations: string;
  notes: string | null;
  photo_hashes: string;
}

export interface CommitmentTable extends Synced {
  id: string;
  school_id: string;
  school_year_id: string;
  person_id: string;
  kind: string;
  signed_by: string;
  signer_person_id: string | null;
  method: string;
  signature_hash: string | null;
  signed_at: string;
  device_id: string | null;
}

export interface MaterialTable extends Synced {
  id: string;
  owner_unit_id: string;
  school_id: string | null;
  title: string;
  description: string | null;
  activity_type_id: string | null;
  school_level: string | null;
  school_year_id: string | null;
  tags: string;
  mime: string;
  size: number;
  sha256: string;
  uploaded_by: string;
  created_at: string;
}

/** Mutation ids applied, recorded in the same transaction as their effects: a mutation is applied at most once, ever. */
export interface AppliedMutationTable {
  id: string;
  stream: string;
  user_id: string;
  client_id: string;
  name: string;
  /** sha256 of name + args, so that an id reused with other content is told apart from a retry. */
  content_hash: string;
  applied_at: string;
}

/** A sync clientId (one per device and user), bound to its user on first use, with the device's last syncs. */
export interface SyncClientTable {
  client_id: string;
  user_id: string;
  /** The school of the user's teacher or principal grant, if any. */
  school_id: string | null;
  first_seen_at: string;
  last_push_at: string | null;
  last_pull_at: string | null;
}

export interface StreamVersionTable {
  stream: string;
  version: number;
}

export interface TombstoneTable {
  entity: string;
  id: string;
  stream: string;
  version: number;
  deleted_at: string;
}

/** Who did what, never with personal data in `details`. */
export interface AuditLogTable {
  id: string;
  at: string;
  user_id: string | null;
  action: string;
  entity: string | null;
  entity_id: string | null;
  school_id: string | null;
  details: string | null;
}

export interface Database {
  units: UnitTable;
  unit_memberships: UnitMembershipTable;
  school_years: SchoolYearTable;
  terms: TermTable;
  classes: ClassTable;
  persons: PersonTable;
  person_links: PersonLinkTable;
  users: UserTable;
  role_grants: RoleGrantTable;
  auth_tokens: AuthTokenTable;
  activity_types: ActivityTypeTable;
  requirements: RequirementTable;
  sessions: SessionTable;
  trainer_session_feed: TrainerSessionFeedTable;
  calendar_feeds: CalendarFeedTable;
  attendance: AttendanceTable;
  attendance_history: AttendanceHistoryTable;
  drill_records: DrillRecordTable;
  commitments: CommitmentTable;
  materials: MaterialTable;
  applied_mutations: AppliedMutationTable;
  sync_clients: SyncClientTable;
  stream_versions: StreamVersionTable;
  tombstones: TombstoneTable;
  audit_log: AuditLogTable;
}
