import type { AttendanceStatus, Person, Session } from '../../../shared/domain';
import { MUTATIONS, type MutationArgs } from '../../../shared/sync/mutations';
import type { OutboxEntry } from '../../db/schema';

/** What a refused change was about, resolved against the rows on the device. */
export type AttentionSubject =
  | {
      kind: 'attendance.mark';
      args: MutationArgs<'attendance.mark'>;
      /** null: the person or session is not (or no longer) on this device. */
      personName: string | null;
      sessionTitle: string | null;
    }
  | { kind: 'other'; name: string };

export interface AttentionItem {
  id: string;
  subject: AttentionSubject;
  /** The server's reason, as it was given. */
  reason: string;
  clientTime: string;
  /** Display name of the account that made the change; null when that account is gone from the device. */
  authorName: string | null;
}

export interface AttentionLookups {
  person(id: string): Promise<Pick<Person, 'fullName'> | null>;
  session(id: string): Promise<Pick<Session, 'title'> | null>;
  authorName(userId: string): Promise<string | null>;
}

/**
 * Resolves each refused outbox entry into what a teacher recognises: whose attendance in which session. Entries are
 * read back from IndexedDB, so their arguments are validated again; one that no longer fits its schema is still
 * listed (as an unnamed change) rather than hidden.
 */
export async function resolveAttentionItems(
  entries: readonly OutboxEntry[],
  lookups: AttentionLookups,
): Promise<AttentionItem[]> {
  return Promise.all(
    entries.map(async (entry): Promise<AttentionItem> => {
      const base = {
        id: entry.id,
        reason: entry.error ?? '',
        clientTime: entry.clientTime,
        authorName: await lookups.authorName(entry.userId),
      };
      if (entry.name === 'attendance.mark') {
        const parsed = MUTATIONS['attendance.mark'].safeParse(entry.args);
        if (parsed.success) {
          const [person, session] = await Promise.all([
            lookups.person(parsed.data.personId),
            lookups.session(parsed.data.sessionId),
          ]);
          return {
            ...base,
            subject: {
              kind: 'attendance.mark',
              args: parsed.data,
              personName: person?.fullName ?? null,
              sessionTitle: session?.title ?? null,
            },
          };
        }
      }
      return { ...base, subject: { kind: 'other', name: entry.name } };
    }),
  );
}

type Translate = (key: string, params?: Record<string, unknown>) => string;

/** "Điểm danh: Nguyễn Văn An — Diễn tập PCCC, có mặt". */
export function describeSubject(subject: AttentionSubject, t: Translate): string {
  if (subject.kind === 'other') return t('settings.needsAttention.otherChange', { name: subject.name });
  return t('settings.needsAttention.attendanceMark', {
    person: subject.personName ?? t('settings.needsAttention.unknownPerson'),
    session: subject.sessionTitle ?? t('settings.needsAttention.unknownSession'),
    status: statusLabel(subject.args.status, t),
  });
}

export function statusLabel(status: AttendanceStatus, t: Translate): string {
  return t(`settings.needsAttention.status.${status}`);
}

/**
 * The corrected arguments of an attendance mark: the same person and session, another status or note. An empty note
 * is left out rather than sent as "", which the server would keep as a note.
 */
export function fixedAttendanceArgs(
  original: MutationArgs<'attendance.mark'>,
  fix: { status: AttendanceStatus; note: string },
): MutationArgs<'attendance.mark'> {
  const note = fix.note.trim();
  const { note: _old, ...rest } = original;
  return note ? { ...rest, status: fix.status, note } : { ...rest, status: fix.status };
}
