import { z } from 'zod';
import { IdSchema } from '../domain/ids';

export const ROLES = ['teacher', 'principal', 'trainer', 'officer', 'admin'] as const;
export const RoleSchema = z.enum(ROLES);
export type Role = z.infer<typeof RoleSchema>;

export const RoleGrantSchema = z.object({
  role: RoleSchema,
  /** The unit the role is granted on: the user's scope is that unit's subtree (and cluster members, for a cluster). */
  unitId: IdSchema,
  unitName: z.string(),
});
export type RoleGrant = z.infer<typeof RoleGrantSchema>;

export const LoginRequestSchema = z.object({
  username: z.string().trim().min(1, { error: 'hãy nhập tên đăng nhập' }).max(100),
  password: z.string().min(1, { error: 'hãy nhập mật khẩu' }).max(200),
});
export type LoginRequest = z.infer<typeof LoginRequestSchema>;

export const SessionUserSchema = z.object({
  id: IdSchema,
  username: z.string(),
  displayName: z.string(),
  personId: IdSchema.nullable(),
  mustChangePassword: z.boolean(),
  grants: z.array(RoleGrantSchema),
});
export type SessionUser = z.infer<typeof SessionUserSchema>;

export const LoginResponseSchema = z.object({
  token: z.string(),
  expiresAt: z.string(),
  user: SessionUserSchema,
});
export type LoginResponse = z.infer<typeof LoginResponseSchema>;

/** The one message a failed sign-in gives, whatever failed: it must not tell which usernames exist. */
export const WRONG_CREDENTIALS = 'Sai tên đăng nhập hoặc mật khẩu (wrong username or password)';

export const ChangePasswordSchema = z.object({
  currentPassword: z.string().min(1, { error: 'hãy nhập mật khẩu hiện tại' }).max(200),
  newPassword: z.string().min(10, { error: 'mật khẩu mới cần ít nhất 10 ký tự' }).max(200),
});
