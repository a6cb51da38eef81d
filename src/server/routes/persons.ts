import type { FastifyInstance } from 'fastify';
import { IdParamsSchema } from '../../shared/org/api';
import type { FileStore } from '../files/file-store';
import { notFound } from '../http/errors';
import { parseInput } from '../http/validate';
import { accessOf } from '../plugins/authenticate';
import { writeAudit } from '../services/audit';
import { PersonDataService } from '../services/person-data';

/**
 * Personal data (issue #8 item 5): a person's data exported (right of access) or erased (right to erasure), and a
 * school's roster exported as CSV. Each leaves an audit entry with ids only. The school's principal, the officers
 * covering it and admins may do this (Access.canManagePeople).
 */
export function personRoutes(app: FastifyInstance): void {
  const db = app.ctx.db.kysely;
  // The file store is decorated by the files routes when they are registered; erasure then removes signature bytes.
  const files = (): FileStore | null => (app.hasDecorator('fileStore') ? (app as unknown as { fileStore: FileStore }).fileStore : null);
  const service = () => new PersonDataService(db, files());

  app.get('/api/persons/:id/export', { preHandler: app.authenticate }, async (request, reply) => {
    const { id } = parseInput(IdParamsSchema, request.params, 'mã người');
    const data = await service().exportPerson(accessOf(request), id);
    return reply.header('content-disposition', `attachment; filename="du-lieu-ca-nhan-${id}.json"`).send(data);
  });

  app.delete('/api/persons/:id', { preHandler: app.authenticate }, async (request) => {
    const { id } = parseInput(IdParamsSchema, request.params, 'mã người');
    const removed = await service().erasePerson(accessOf(request), id);
    return { erased: true, removed };
  });

  app.get('/api/schools/:id/roster.csv', { preHandler: app.authenticate }, async (request, reply) => {
    const { id } = parseInput(IdParamsSchema, request.params, 'mã trường');
    const access = accessOf(request);
    if (!access.canManagePeople(id)) throw notFound('Không tìm thấy trường (school not found)');
    const classes = await db.selectFrom('classes').select(['id', 'name']).where('school_id', '=', id).execute();
    const className = new Map(classes.map((c) => [c.id, c.name]));
    const persons = await db
      .selectFrom('persons')
      .select(['id', 'kind', 'full_name', 'code', 'birth_year', 'sex', 'class_id', 'role_tags', 'status'])
      .where('school_id', '=', id)
      .orderBy('kind')
      .orderBy('full_name')
      .execute();
    const header = ['Mã', 'Họ và tên', 'Loại', 'Năm sinh', 'Giới tính', 'Lớp', 'Vai trò', 'Trạng thái'];
    const lines = [header.map(csvCell).join(',')];
    for (const p of persons) {
      lines.push(
        [
          p.code ?? '',
          p.full_name,
          p.kind,
          p.birth_year === null ? '' : String(p.birth_year),
          p.sex ?? '',
          p.class_id ? (className.get(p.class_id) ?? '') : '',
          (JSON.parse(p.role_tags) as string[]).join(' '),
          p.status,
        ]
          .map(csvCell)
          .join(','),
      );
    }
    // Who exported which school's roster, and how many rows: the audit trail the plan asks for, with no names.
    await writeAudit(db, {
      userId: access.userId,
      action: 'roster.export',
      entity: 'school',
      entityId: id,
      schoolId: id,
      details: { rows: persons.length, format: 'csv' },
    });
    // A BOM so that Excel opens the Vietnamese text as UTF-8.
    return reply
      .header('content-type', 'text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="danh-sach-${id}.csv"`)
      .send(`\uFEFF${lines.join('\r\n')}\r\n`);
  });
}

/** One CSV cell: quoted when needed, and a leading =, +, - or @ neutralised (spreadsheet formula injection). */
export function csvCell(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}
