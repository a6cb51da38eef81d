import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { LoginRequestSchema } from '../../../../src/shared/auth';
import { issuesToErrors, toFieldPath, toTypedSchema } from '../../../../src/client/components/forms/zod-schema';

describe('toFieldPath', () => {
  it('writes array indexes in brackets the way vee-validate names nested fields', () => {
    expect(toFieldPath(['members', 2, 'status'])).toBe('members[2].status');
    expect(toFieldPath(['grid', 0, 1])).toBe('grid[0][1]');
    expect(toFieldPath(['username'])).toBe('username');
    expect(toFieldPath([])).toBe('');
  });
});

describe('toTypedSchema', () => {
  it('returns the parsed (trimmed) value and no errors for valid input', async () => {
    const schema = toTypedSchema(LoginRequestSchema);
    const result = await schema.parse({ username: '  gv.dichvong ', password: 'x' });
    expect(result).toEqual({ value: { username: 'gv.dichvong', password: 'x' }, errors: [] });
  });

  it('groups every problem under its field with the shared schema messages', async () => {
    const schema = toTypedSchema(LoginRequestSchema);
    const result = await schema.parse({ username: '   ', password: '' });
    expect(result.value).toBeUndefined();
    expect(result.errors).toEqual([
      { path: 'username', errors: ['hãy nhập tên đăng nhập'] },
      { path: 'password', errors: ['hãy nhập mật khẩu'] },
    ]);
  });

  it('lets the form reword a message and keeps the schema message where it returns undefined', async () => {
    const schema = toTypedSchema(LoginRequestSchema, {
      message: (issue, path) => (path[0] === 'password' && issue.code === 'too_small' ? 'Enter your password' : undefined),
    });
    const result = await schema.parse({ username: '', password: '' });
    expect(result.errors).toEqual([
      { path: 'username', errors: ['hãy nhập tên đăng nhập'] },
      { path: 'password', errors: ['Enter your password'] },
    ]);
  });

  it('collects several messages for one field and addresses nested array items', async () => {
    const schema = toTypedSchema(
      z.object({
        marks: z.array(
          z.object({
            note: z
              .string()
              .min(3, { error: 'quá ngắn' })
              .regex(/^[a-z]+$/, { error: 'chỉ chữ thường' }),
          }),
        ),
      }),
    );
    const result = await schema.parse({ marks: [{ note: 'abcd' }, { note: 'A' }] });
    expect(result.errors).toEqual([{ path: 'marks[1].note', errors: ['quá ngắn', 'chỉ chữ thường'] }]);
  });

  it('reports a failed union through the branch the input came closest to, under the full path', async () => {
    const Commitment = z.discriminatedUnion('signedBy', [
      z.object({ signedBy: z.literal('person') }),
      z.object({ signedBy: z.literal('parent'), parentName: z.string().min(1, { error: 'cần tên phụ huynh' }) }),
    ]);
    // The paper-form branch comes first, so only "fewest issues" (not order) picks the signature branch.
    const PaperForm = z.object({ paperForm: z.literal(true), receivedBy: z.string() });
    const schema = toTypedSchema(z.object({ commitment: z.union([PaperForm, Commitment]) }));
    const result = await schema.parse({ commitment: { signedBy: 'parent', parentName: '' } });
    expect(result.errors).toEqual([{ path: 'commitment.parentName', errors: ['cần tên phụ huynh'] }]);
  });

  it('is recognised by vee-validate as a typed schema', () => {
    expect(toTypedSchema(LoginRequestSchema).__type).toBe('VVTypedSchema');
  });
});

describe('issuesToErrors', () => {
  it('puts a whole-object problem under the empty path', () => {
    const parsed = z
      .object({ from: z.number(), to: z.number() })
      .refine((v) => v.from <= v.to, { error: 'khoảng không hợp lệ' })
      .safeParse({ from: 2, to: 1 });
    expect(parsed.success).toBe(false);
    expect(issuesToErrors(parsed.error?.issues ?? [])).toEqual([{ path: '', errors: ['khoảng không hợp lệ'] }]);
  });
});
