import { z } from 'zod';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import { IdSchema } from '../domain/ids';
import { DRILL_OBSERVATIONS, type DrillRecord } from '../domain/records';
import type { Scenario } from '../domain/activities';
import { InstantSchema } from '../time';

/**
 * Drill mode: what the coordinator and the homeroom teachers record while a drill runs, and the pure rules both the
 * device and the server apply to it (totals, who is still missing, evacuation time, what is refused).
 */

const Sha256Schema = z.string().regex(/^[0-9a-f]{64}$/, { error: 'mã ảnh phải là sha256 (64 ký tự hex)' });
const CountSchema = z.number().int().min(0).max(5000);

/** One class's headcount at the assembly point: the latest report wins, every report is kept on the server. */
export const DrillHeadcountSchema = z.object({
  id: IdSchema,
  schoolId: IdSchema,
  sessionId: IdSchema,
  classId: IdSchema,
  presentCount: CountSchema,
  missingCount: CountSchema,
  absentCount: CountSchema,
  missingPersonIds: z.array(IdSchema).max(200),
  reportedBy: IdSchema,
  reportedAt: InstantSchema,
});
export type DrillHeadcount = z.infer<typeof DrillHeadcountSchema>;

export const DrillObservationSchema = z.enum(DRILL_OBSERVATIONS);
export type DrillObservation = z.infer<typeof DrillObservationSchema>;

/**
 * A session held at several schools (a commune-wide drill day) has one drill record per school: such a session
 * names the school; a school's own session may leave it out.
 */
const SchoolOfDrill = { schoolId: IdSchema.optional() };

export const DrillStartArgsSchema = z.object({
  sessionId: IdSchema,
  ...SchoolOfDrill,
  scenarioCode: z.string().regex(/^[a-z_]{2,40}$/, { error: 'mã tình huống không hợp lệ' }).nullable(),
  alarmAt: InstantSchema,
});

export const DrillHeadcountArgsSchema = z
  .object({
    sessionId: IdSchema,
    classId: IdSchema,
    presentCount: CountSchema,
    missingCount: CountSchema,
    absentCount: CountSchema,
    missingPersonIds: z.array(IdSchema).max(200),
  })
  .superRefine((args, ctx) => {
    if (new Set(args.missingPersonIds).size !== args.missingPersonIds.length) {
      ctx.addIssue({ code: 'custom', path: ['missingPersonIds'], message: 'một người được kê hai lần' });
    }
    if (args.missingPersonIds.length > args.missingCount) {
      ctx.addIssue({ code: 'custom', path: ['missingPersonIds'], message: 'số người được nêu tên nhiều hơn số vắng mặt tại điểm tập kết' });
    }
  });

export const DrillAllClearArgsSchema = z.object({
  sessionId: IdSchema,
  ...SchoolOfDrill,
  allClearAt: InstantSchema,
});

export const DrillObserveArgsSchema = z.object({
  sessionId: IdSchema,
  ...SchoolOfDrill,
  observations: z.array(DrillObservationSchema).max(DRILL_OBSERVATIONS.length),
  notes: z.string().trim().max(5000).nullable(),
  /** Evidence photos already queued on the device (content-addressed); they upload later through the file queue. */
  photoHashes: z.array(Sha256Schema).max(50),
});

export type DrillStartArgs = z.infer<typeof DrillStartArgsSchema>;
export type DrillHeadcountArgs = z.infer<typeof DrillHeadcountArgsSchema>;
export type DrillAllClearArgs = z.infer<typeof DrillAllClearArgsSchema>;
export type DrillObserveArgs = z.infer<typeof DrillObserveArgsSchema>;

/**
 * A UUID (version 8, RFC 9562) derived from a name: the device and the server give a drill record or a class's
 * headcount the same id without talking, so that two tablets reporting one class, or a start made offline, land
 * on one row everywhere instead of two.
 */
export function derivedId(name: string): string {
  const hex = bytesToHex(sha256(utf8ToBytes(name))).slice(0, 32).split('');
  hex[12] = '8';
  hex[16] = ((parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
  const h = hex.join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

/**
 * The drill record's id: from the session alone for a school's own session, from the session and the school for a
 * session held at several schools (pass `schoolId` only then), so that the device knows the id from the mutation's
 * arguments.
 */
export function drillRecordId(sessionId: string, schoolId: string | null = null): string {
  return derivedId(schoolId === null ? `drillRecord:${sessionId}` : `drillRecord:${sessionId}:${schoolId}`);
}

export function drillHeadcountId(sessionId: string, classId: string): string {
  return derivedId(`drillHeadcount:${sessionId}:${classId}`);
}

/** Whole seconds from the alarm to the all clear; null until both are known or when they are in the wrong order. */
export function evacuationSeconds(alarmAt: string | null, allClearAt: string | null): number | null {
  if (alarmAt === null || allClearAt === null) return null;
  const ms = Date.parse(allClearAt) - Date.parse(alarmAt);
  return Number.isFinite(ms) && ms >= 0 ? Math.round(ms / 1000) : null;
}

/** Seconds shown on the running timer: from the alarm to now (or to the all clear once given). */
export function elapsedSeconds(alarmAt: string | null, now: number, allClearAt: string | null = null): number {
  if (alarmAt === null) return 0;
  const end = allClearAt === null ? now : Date.parse(allClearAt);
  return Math.max(0, Math.floor((end - Date.parse(alarmAt)) / 1000));
}

/** mm:ss, or h:mm:ss past an hour. */
export function formatTimer(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  const hh = Math.floor(s / 3600);
  const mm = Math.floor((s % 3600) / 60);
  const ss = s % 60;
  const two = (n: number) => String(n).padStart(2, '0');
  return hh > 0 ? `${hh}:${two(mm)}:${two(ss)}` : `${two(mm)}:${two(ss)}`;
}

export interface DrillTotals {
  /** Classes that have reported. */
  classes: number;
  present: number;
  missing: number;
  absent: number;
  /** People at school today, so expected at the assembly point: present + missing. */
  expected: number;
}

type Counts = Pick<DrillHeadcount, 'presentCount' | 'missingCount' | 'absentCount'>;

export function drillTotals(headcounts: readonly Counts[]): DrillTotals {
  const t: DrillTotals = { classes: headcounts.length, present: 0, missing: 0, absent: 0, expected: 0 };
  for (const h of headcounts) {
    t.present += h.presentCount;
    t.missing += h.missingCount;
    t.absent += h.absentCount;
  }
  t.expected = t.present + t.missing;
  return t;
}

/** The drill record's counts, recomputed from the headcounts on the device and on the server alike. */
export function recordCounts(headcounts: readonly Counts[]): Pick<DrillRecord, 'expectedCount' | 'accountedCount' | 'missingCount'> {
  const t = drillTotals(headcounts);
  return { expectedCount: t.expected, accountedCount: t.present, missingCount: t.missing };
}

export interface MissingEntry {
  classId: string;
  /** Null for someone counted missing but not named yet. */
  personId: string | null;
}

/**
 * Who is still missing: each class's latest report names them (a later report with fewer missing has accounted for
 * the others); people counted but not named are listed as unnamed entries so the count never hides them.
 */
export function stillMissing(headcounts: readonly Pick<DrillHeadcount, 'classId' | 'missingCount' | 'missingPersonIds'>[]): MissingEntry[] {
  const out: MissingEntry[] = [];
  for (const h of headcounts) {
    for (const personId of h.missingPersonIds) out.push({ classId: h.classId, personId });
    for (let i = h.missingPersonIds.length; i < h.missingCount; i += 1) out.push({ classId: h.classId, personId: null });
  }
  return out;
}

/** The headcount after one named missing person was found: at the assembly point now. */
export function markFound(h: DrillHeadcountArgs, personId: string): DrillHeadcountArgs {
  if (!h.missingPersonIds.includes(personId)) return h;
  return {
    ...h,
    presentCount: h.presentCount + 1,
    missingCount: Math.max(0, h.missingCount - 1),
    missingPersonIds: h.missingPersonIds.filter((id) => id !== personId),
  };
}

/** Why a headcount cannot be right for a class of `classSize`, or null. Vietnamese, as the form and the server say it. */
export function headcountProblem(args: Counts & { missingPersonIds: readonly string[] }, classSize: number): string | null {
  const total = args.presentCount + args.missingCount + args.absentCount;
  if (total > classSize) {
    return `có mặt + chưa có mặt + vắng (${total}) lớn hơn sĩ số lớp (${classSize})`;
  }
  return null;
}

/** Why an all clear cannot be recorded on this record, or null. */
export function allClearProblem(alarmAt: string | null, allClearAt: string): string | null {
  if (alarmAt === null) return 'chưa bắt đầu diễn tập (chưa ghi giờ báo động)';
  if (Date.parse(allClearAt) < Date.parse(alarmAt)) return 'giờ kết thúc sớm hơn giờ báo động';
  return null;
}

/**
 * The scenario to preselect: the session's own, else the next of the activity type's scenarios after the last one
 * this school drilled (the fire plan's scenarios in turn), else the first.
 */
export function suggestedScenario(
  sessionScenario: string | null,
  scenarios: readonly Scenario[],
  pastRecords: readonly Pick<DrillRecord, 'scenarioCode' | 'alarmAt'>[],
): string | null {
  if (sessionScenario !== null) return sessionScenario;
  if (scenarios.length === 0) return null;
  const last = [...pastRecords]
    .filter((r) => r.scenarioCode !== null && r.alarmAt !== null)
    .sort((a, b) => (a.alarmAt! < b.alarmAt! ? -1 : 1))
    .at(-1);
  const index = last ? scenarios.findIndex((s) => s.code === last.scenarioCode) : -1;
  return scenarios[(index + 1) % scenarios.length]!.code;
}
