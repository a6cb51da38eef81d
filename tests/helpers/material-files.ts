import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Transaction } from 'kysely';
import type { Database } from '../../src/server/db/schema';
import { reserveVersions } from '../../src/server/db/versions';
import { loadConfig } from '../../src/server/config';
import { foldForSearch } from '../../src/shared/materials/library';
import { newId } from '../../src/shared/domain/ids';

/**
 * Material files for server tests, put where the file store keeps committed uploads (`DATA_DIR/files/<aa>/<sha256>`),
 * as the upload protocol leaves them. Material rows for the shared fixture (tests/helpers/fixtures.ts).
 */

/** A minimal valid one-page PDF; `salt` makes a different file (a different sha256) with the same look. */
export function tinyPdf(salt = ''): Buffer {
  const body = `%PDF-1.4
1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj
2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj
3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >> endobj
trailer << /Root 1 0 R >>
%${salt}
%%EOF
`;
  return Buffer.from(body, 'latin1');
}

export const sha256Of = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

/** Writes bytes into a data dir's file store (idempotent) and returns their sha256. */
export function storeFile(bytes: Uint8Array, dataDir = loadConfig({}).dataDir): string {
  const sha = sha256Of(bytes);
  const dir = path.join(dataDir, 'files', sha.slice(0, 2));
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, sha);
  if (!fs.existsSync(file)) fs.writeFileSync(file, bytes);
  return sha;
}

export interface FixtureMaterials {
  /** School A's own material. */
  A: string;
  /** In the department's (Sở) library. */
  department: string;
}

/** Two materials for the shared fixture: school A's own and the Sở library's, both on one stored PDF. */
export async function createFixtureMaterials(
  trx: Transaction<Database>,
  f: { department: string; schoolA: string },
  uploadedBy: string,
): Promise<FixtureMaterials> {
  const bytes = tinyPdf('fixture');
  const sha256 = storeFile(bytes);
  const now = new Date().toISOString();
  const make = async (ownerUnitId: string, schoolId: string | null, title: string) => {
    const id = newId();
    const stream = schoolId ?? ownerUnitId;
    await trx
      .insertInto('materials')
      .values({
        id,
        owner_unit_id: ownerUnitId,
        school_id: schoolId,
        title,
        description: null,
        activity_type_id: null,
        school_level: null,
        school_year_id: null,
        tags: '[]',
        mime: 'application/pdf',
        size: bytes.length,
        sha256,
        uploaded_by: uploadedBy,
        created_at: now,
        version_no: 1,
        status: 'active',
        updated_at: null,
        title_search: foldForSearch(title),
        stream,
        version: await reserveVersions(trx, stream),
      })
      .execute();
    await trx
      .insertInto('material_versions')
      .values({ id: newId(), material_id: id, version_no: 1, sha256, mime: 'application/pdf', size: bytes.length, uploaded_by: uploadedBy, created_at: now })
      .execute();
    return id;
  };
  return {
    A: await make(f.schoolA, f.schoolA, 'Nội quy an toàn của trường A'),
    department: await make(f.department, null, 'Tài liệu tuyên truyền ATGT của Sở'),
  };
}
