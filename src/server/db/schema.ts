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
  /**
   * The school an account was made for (bulk creation, migration 012); null for accounts made otherwise.
   * Optional so that code written before 012 that builds whole rows still compiles.
   */
  school_id?: string | null;
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
  /** JSON array of material ids (migration 008). Optional: inserts that leave it out get the column default '[]'. */
  material_ids?: string;
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
  /** When the session was marked done and by whom (migration 005); null when not closed through the app. */
  completed_at?: string | null;
  completed_by?: string | null;
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

/** One class's headcount at a drill's assembly point (migration 006): the latest report. */
export interface DrillHeadcountTable extends Synced {
  id: string;
  school_id: string;
  session_id: string;
  class_id: string;
  present_count: number;
  missing_count: number;
  absent_count: number;
  missing_person_ids: string;
  reported_by: string;
  reported_at: string;
}

/** Every headcount report received (migration 006). */
export interface DrillHeadcountHistoryTable {
  id: string;
  school_id: string;
  session_id: string;
  class_id: string;
  present_count: number;
  missing_count: number;
  absent_count: number;
  missing_person_ids: string;
  reported_by: string;
  reported_at: string;
  mutation_id: string;
  received_at: string;
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
  /** Migration 008: versions, archiving, the folded title that search matches. */
  version_no: number;
  status: string;
  updated_at: string | null;
  title_search: string;
}

/** Every version of a material's file (migration 008); the material row names the current one. */
export interface MaterialVersionTable {
  id: string;
  material_id: string;
  version_no: number;
  sha256: string;
  mime: string;
  size: number;
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

/** A student's consent to photos or signatures (migration 012); rows are never edited, the newest is in force. */
export interface ConsentTable extends Synced {
  id: string;
  person_id: string;
  school_id: string;
  kind: string;
  child_consent: number | null;
  parent_consent: number;
  recorded_at: string;
  recorded_by: string;
  note: string | null;
}

/** An upload under way (migration 007); `received` is informational, the temporary file's size is the truth. */
export interface UploadTable {
  id: string;
  user_id: string;
  sha256: string;
  size: number;
  received: number;
  purpose: string;
  mime_claimed: string;
  name: string;
  created_at: string;
  expires_at: string;
}

/** A complete, verified file in the file store (migration 007), written only after its bytes are in place. */
export interface StoredFileTable {
  sha256: string;
  size: number;
  mime: string;
  created_at: string;
  first_uploaded_by: string;
}

/** Who uploaded (or proved they hold) which file, for which purpose (migration 007): quotas and read access. */
export interface FileUploaderTable {
  sha256: string;
  user_id: string;
  purpose: string;
  name: string;
  created_at: string;
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

/** Person-based coverage counts per school and period, with the stream versions they were counted at (migration 009): a cache. */
export interface CoverageCountTable {
  school_id: string;
  school_year_id: string;
  period_from: string;
  period_to: string;
  /** Rules, level, counting types and the school's stream versions, joined: the entry is exact while they all match. */
  versions: string;
  /** JSON of `SchoolCounts` (src/server/coverage/queries.ts). */
  counts: string;
  counted_at: string;
}

/** Term and year-end reports (migration 010): draft → submitted → acknowledged; `figures` is a JSON snapshot. */
export interface ReportTable {
  id: string;
  unit_id: string;
  school_year_id: string;
  kind: string;
  status: string;
  notable_results: string;
  figures: string;
  created_by: string;
  created_at: string;
  updated_at: string;
  submitted_by: string | null;
  submitted_at: string | null;
  acknowledged_by: string | null;
  acknowledged_at: string | null;
}

/** A roster import waiting for confirmation, or applied (migration 011). JSON columns hold no denylisted data. */
export interface ImportBatchTable {
  id: string;
  school_id: string;
  kind: string;
  school_year_id: string;
  created_by: string;
  created_at: string;
  status: string;
  applied_at: string | null;
  applied_by: string | null;
  sheet: string | null;
  /** The preview as shown (ImportBatchView without id/status/dates). */
  summary: string;
  /** The parsed rows and the fields the file had, to apply from. */
  rows: string;
  /** What applying did (counts). */
  result: string | null;
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
  drill_headcounts: DrillHeadcountTable;
  drill_headcount_history: DrillHeadcountHistoryTable;
  commitments: CommitmentTable;
  materials: MaterialTable;
  material_versions: MaterialVersionTable;
  applied_mutations: AppliedMutationTable;
  sync_clients: SyncClientTable;
  stream_versions: StreamVersionTable;
  tombstones: TombstoneTable;
  audit_log: AuditLogTable;
  uploads: UploadTable;
  stored_files: StoredFileTable;
  file_uploaders: FileUploaderTable;
  consents: ConsentTable;
  reports: ReportTable;
  coverage_counts: CoverageCountTable;
  import_batches: ImportBatchTable;
}
