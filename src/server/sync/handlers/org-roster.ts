import type { Transaction } from 'kysely';
import { newId } from '../../../shared/domain/ids';
import type { Database } from '../../db/schema';
import { reserveVersions } from '../../db/versions';
import { idChunks } from '../batching';
import { REJECTION } from '../reasons';
import type { AuthorisedMutation, Decision, MutationHandler } from './handler';
import { ORG_REJECTION } from './org-reasons';

/**
 * The roster mutations: classes, people, parent links (issue #8 item 3). Kept by the school's principal, an
 * officer covering the school, or an admin (Access.canManagePeople). Every row lives in its school's stream.
 */

type OrgMutation = 'class.save' | 'person.save' | 'person.move' | 'person.linkParent' | 'person.unlinkParent';

interface PersonContext {
  school_id: string;
  kind: string;
}

async function loadPersons(trx: Transaction<Database>, ids: Iterable<string>): Promise<Map<string, PersonContext>> {
  const out = new Map<string, PersonContext>();
  for (const chunk of idChunks(ids)) {
    const rows = await trx.selectFrom('persons').select(['id', 'school_id', 'kind']).where('id', 'in', chunk).execute();
    for (const r of rows) out.set(r.id, { school_id: r.school_id, kind: r.kind });
  }
  return out;
}

async function loadClasses(trx: Transaction<Database>, ids: Iterable<string>): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const chunk of idChunks(ids)) {
    const rows = await trx.selectFrom('classes').select(['id', 'school_id']).where('id', 'in', chunk).execute();
    for (const r of rows) out.set(r.id, r.school_id);
  }
  return out;
}

/** One version per accepted mutation, reserved per stream in sorted order (the lock order every writer keeps). */
async function versionsFor<N extends OrgMutation>(t: Transaction<Database>, accepted: AuthorisedMutation<N>[]): Promise<number[]> {
  const count = new Map<string, number>();
  for (const m of accepted) count.set(m.stream, (count.get(m.stream) ?? 0) + 1);
  const next = new Map<string, number>();
  for (const stream of [...count.keys()].sort()) next.set(stream, await reserveVersions(t, stream, count.get(stream)!));
  return accepted.map((m) => {
    const v = next.get(m.stream)!;
    next.set(m.stream, v + 1);
    return v;
  });
}

const deny = (reason: string): Decision => ({ ok: false, reason });

/** `class.save`: the whole class row, created or replaced, at a school the user manages. */
export const classSaveHandler: MutationHandler<'class.save'> = {
  name: 'class.save',

  async prepare(trx, mutations, access) {
    const stored = await loadClasses(
      trx,
      mutations.map((m) => m.args.id),
    );
    const years = new Map<string, string>();
    for (const chunk of idChunks(mutations.map((m) => m.args.schoolYearId))) {
      const rows = await trx.selectFrom('school_years').select(['id', 'department_id']).where('id', 'in', chunk).execute();
      for (const r of rows) years.set(r.id, r.department_id);
    }
    const homerooms = await loadPersons(
      trx,
      mutations.flatMap((m) => (m.args.homeroomPersonId ? [m.args.homeroomPersonId] : [])),
    );
    return {
      decide(m): Decision {
        const a = m.args;
        if (!access.canManagePeople(a.schoolId)) return deny(REJECTION.notFound);
        const before = stored.get(a.id);
        if (before !== undefined && before !== a.schoolId) {
          return deny(access.canManagePeople(before) ? ORG_REJECTION.schoolFixed : REJECTION.notFound);
        }
        const department = years.get(a.schoolYearId);
        if (department === undefined || !access.tree.streamsAbove(a.schoolId).includes(department)) return deny(REJECTION.notFound);
        if (a.homeroomPersonId) {
          const p = homerooms.get(a.homeroomPersonId);
          if (!p || p.school_id !== a.schoolId || p.kind !== 'staff') return deny(REJECTION.invalidArgs(ORG_REJECTION.notStaff));
        }
        stored.set(a.id, a.schoolId);
        return { ok: true, stream: a.schoolId };
      },
      async apply(t, accepted) {
        const versions = await versionsFor(t, accepted);
        for (const [i, m] of accepted.entries()) {
          const a = m.args;
          const columns = {
            school_id: a.schoolId,
            school_year_id: a.schoolYearId,
            grade: a.grade,
            name: a.name,
            code: a.code,
            homeroom_person_id: a.homeroomPersonId,
            status: a.status,
            stream: m.stream,
            version: versions[i]!,
          };
          await t
            .insertInto('classes')
            .values({ id: a.id, ...columns })
            .onConflict((oc) => oc.column('id').doUpdateSet(columns))
            .execute();
        }
      },
    };
  },
};

/** `person.save`: the whole person row (without the parent's links), created or replaced. */
export const personSaveHandler: MutationHandler<'person.save'> = {
  name: 'person.save',

  async prepare(trx, mutations, access, meta) {
    const stored = await loadPersons(
      trx,
      mutations.map((m) => m.args.id),
    );
    const classes = await loadClasses(
      trx,
      mutations.flatMap((m) => (m.args.classId ? [m.args.classId] : [])),
    );
    return {
      decide(m): Decision {
        const a = m.args;
        if (!access.canManagePeople(a.schoolId)) return deny(REJECTION.notFound);
        const before = stored.get(a.id);
        if (before !== undefined) {
          if (before.school_id !== a.schoolId) {
            return deny(access.canManagePeople(before.school_id) ? ORG_REJECTION.schoolFixed : REJECTION.notFound);
          }
          if (before.kind !== a.kind) return deny(ORG_REJECTION.kindFixed);
        }
        if (a.classId !== null && classes.get(a.classId) !== a.schoolId) return deny(REJECTION.invalidArgs(ORG_REJECTION.classOfOtherSchool));
        stored.set(a.id, { school_id: a.schoolId, kind: a.kind });
        return { ok: true, stream: a.schoolId };
      },
      async apply(t, accepted) {
        const versions = await versionsFor(t, accepted);
        for (const [i, m] of accepted.entries()) {
          const a = m.args;
          const columns = {
            school_id: a.schoolId,
            kind: a.kind,
            full_name: a.fullName,
            code: a.code,
            birth_year: a.birthYear,
            sex: a.sex,
            class_id: a.classId,
            role_tags: JSON.stringify(a.roleTags),
            status: a.status,
            joined_on: a.joinedOn,
            left_on: a.leftOn,
            updated_at: meta.receivedAt,
            stream: m.stream,
            version: versions[i]!,
          };
          await t
            .insertInto('persons')
            .values({ id: a.id, created_at: meta.receivedAt, ...columns })
            .onConflict((oc) => oc.column('id').doUpdateSet(columns))
            .execute();
        }
      },
    };
  },
};

/** `person.move`: a student changes class within the school. */
export const personMoveHandler: MutationHandler<'person.move'> = {
  name: 'person.move',

  async prepare(trx, mutations, access, meta) {
    const persons = await loadPersons(
      trx,
      mutations.map((m) => m.args.personId),
    );
    const classes = await loadClasses(
      trx,
      mutations.map((m) => m.args.classId),
    );
    return {
      decide(m): Decision {
        const p = persons.get(m.args.personId);
        if (!p || !access.canManagePeople(p.school_id)) return deny(REJECTION.notFound);
        if (p.kind !== 'student') return deny(ORG_REJECTION.notStudent);
        if (classes.get(m.args.classId) !== p.school_id) return deny(REJECTION.invalidArgs(ORG_REJECTION.classOfOtherSchool));
        return { ok: true, stream: p.school_id };
      },
      async apply(t, accepted) {
        const versions = await versionsFor(t, accepted);
        for (const [i, m] of accepted.entries()) {
          await t
            .updateTable('persons')
            .set({ class_id: m.args.classId, updated_at: meta.receivedAt, stream: m.stream, version: versions[i]! })
            .where('id', '=', m.args.personId)
            .execute();
        }
      },
    };
  },
};

function linkHandler<N extends 'person.linkParent' | 'person.unlinkParent'>(name: N): MutationHandler<N> {
  const linking = name === 'person.linkParent';
  return {
    name,
    async prepare(trx, mutations, access, meta) {
      const persons = await loadPersons(
        trx,
        mutations.flatMap((m) => [m.args.parentId, m.args.studentId]),
      );
      const linkCount = new Map<string, number>();
      for (const chunk of idChunks(mutations.map((m) => m.args.parentId))) {
        const rows = await trx
          .selectFrom('person_links')
          .select(['parent_id', (eb) => eb.fn.countAll<number>().as('n')])
          .where('parent_id', 'in', chunk)
          .groupBy('parent_id')
          .execute();
        for (const r of rows) linkCount.set(r.parent_id, Number(r.n));
      }
      return {
        decide(m): Decision {
          const parent = persons.get(m.args.parentId);
          const student = persons.get(m.args.studentId);
          if (!parent || !student || !access.canManagePeople(parent.school_id)) return deny(REJECTION.notFound);
          if (!access.canManagePeople(student.school_id)) return deny(REJECTION.notFound);
          if (parent.school_id !== student.school_id) return deny(ORG_REJECTION.otherSchool);
          if (parent.kind !== 'parent') return deny(ORG_REJECTION.notParent);
          if (student.kind !== 'student') return deny(ORG_REJECTION.notStudent);
          if (linking) {
            // The wire allows 20 students per parent (PersonSchema.studentIds): more would make the row unreadable.
            const n = linkCount.get(m.args.parentId) ?? 0;
            if (n >= 20) return deny(ORG_REJECTION.tooManyLinks);
            linkCount.set(m.args.parentId, n + 1);
          }
          return { ok: true, stream: parent.school_id };
        },
        async apply(t, accepted) {
          const versions = await versionsFor(t, accepted);
          for (const [i, m] of accepted.entries()) {
            const { parentId, studentId } = m.args;
            if (linking) {
              await t
                .insertInto('person_links')
                .values({ id: newId(), school_id: m.stream, parent_id: parentId, student_id: studentId })
                .onConflict((oc) => oc.columns(['parent_id', 'student_id']).doNothing())
                .execute();
            } else {
              await t.deleteFrom('person_links').where('parent_id', '=', parentId).where('student_id', '=', studentId).execute();
            }
            // The parent's row carries its studentIds: a new version makes the change travel to devices.
            await t
              .updateTable('persons')
              .set({ updated_at: meta.receivedAt, version: versions[i]! })
              .where('id', '=', parentId)
              .execute();
          }
        },
      };
    },
  };
}

export const personLinkParentHandler = linkHandler('person.linkParent');
export const personUnlinkParentHandler = linkHandler('person.unlinkParent');

