import { z } from 'zod';
import { type FieldErrors, fieldsFromZodIssues } from '../../lib/errors.ts';

export const PASSWORD_MIN = 10;

const email = z.string().trim().max(320).pipe(z.email());
const password = z.string().min(PASSWORD_MIN).max(200);
const name = z.string().trim().min(1).max(200);
const locale = z.enum(['it', 'en']);
const mismatch = { path: ['passwordConfirmation'], params: { code: 'mismatch' } };

export const LoginBody = z.object({
  // Not checked as an e-mail: a malformed address gets the same answer as a wrong one.
  email: z.string().trim().min(1).max(320),
  password: z.string().min(1).max(200),
});
export type LoginBody = z.infer<typeof LoginBody>;

export const ResetRequestBody = z.object({ email });

export const NewPasswordBody = z
  .object({ password, passwordConfirmation: z.string().max(200) })
  .refine((v) => v.password === v.passwordConfirmation, mismatch);
export type NewPasswordBody = z.infer<typeof NewPasswordBody>;

export const AcceptInvitationBody = z
  .object({ name, password, passwordConfirmation: z.string().max(200) })
  .refine((v) => v.password === v.passwordConfirmation, mismatch);
export type AcceptInvitationBody = z.infer<typeof AcceptInvitationBody>;

export const InviteBody = z.object({ email, name, role: z.enum(['member', 'org_admin']) });
export type InviteBody = z.infer<typeof InviteBody>;

export const AccountBody = z.object({ name, locale });
export type AccountBody = z.infer<typeof AccountBody>;

export const ChangePasswordBody = z
  .object({ currentPassword: z.string().min(1).max(200), password, passwordConfirmation: z.string().max(200) })
  .refine((v) => v.password === v.passwordConfirmation, mismatch);
export type ChangePasswordBody = z.infer<typeof ChangePasswordBody>;

export const TokenCreateBody = z.object({
  name: z.string().trim().min(1).max(100),
  scope: z.enum(['read', 'read_write']),
  expiresInDays: z.coerce.number().int().min(1).max(365).default(90),
});
export type TokenCreateBody = z.infer<typeof TokenCreateBody>;

export const adminRoles = ['staff', 'region', 'platform_admin'] as const;
export const AdminGrantBody = z
  .object({ role: z.enum(adminRoles), clusterId: z.uuid().optional() })
  .refine((v) => v.role !== 'staff' || !!v.clusterId, { path: ['clusterId'], params: { code: 'required' } });
export type AdminGrantBody = z.infer<typeof AdminGrantBody>;

export const UserListQuery = z.object({
  q: z.string().trim().max(320).optional(),
  page: z.coerce.number().int().min(1).max(100000).default(1),
});

export const IdParams = z.object({ id: z.uuid() });
export const OrgUserParams = z.object({ id: z.uuid(), userId: z.uuid() });
export const RoleParams = z.object({ id: z.uuid(), roleId: z.uuid() });
export const TokenParam = z.object({ token: z.string().min(10).max(200) });
export const RevokeQuery = z.object({ role: z.enum(['member', 'org_admin']).optional() });

export const RoleGrantOut = z.object({
  id: z.string().optional(),
  role: z.string(),
  clusterId: z.string().nullable(),
  organisationId: z.string().nullable(),
});
export const UserSummary = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string(),
  locale: locale,
  roles: z.array(RoleGrantOut),
});
export const OrgUserOut = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string(),
  roles: z.array(z.enum(['member', 'org_admin'])),
  activated: z.boolean(),
  /** Role of an invitation not yet accepted: it is granted when the person accepts. */
  invitedRole: z.enum(['member', 'org_admin']).nullable(),
});
export const OrgUserList = z.object({ items: z.array(OrgUserOut) });
export const ApiTokenOut = z.object({
  id: z.string(),
  name: z.string(),
  scope: z.enum(['read', 'read_write']),
  createdAt: z.string(),
  expiresAt: z.string(),
  lastUsedAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
});
export const ApiTokenCreated = ApiTokenOut.extend({ token: z.string() });
export const AdminUserOut = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string(),
  disabled: z.boolean(),
  lastLoginAt: z.string().nullable(),
  roles: z.array(RoleGrantOut),
});
export const AdminUserList = z.object({
  items: z.array(AdminUserOut),
  page: z.number(),
  pageSize: z.number(),
  total: z.number(),
});

/** Page forms use the API schemas: empty fields count as missing, errors become the field map the pages show. */
export function parseForm<S extends z.ZodType>(
  schema: S,
  body: unknown,
): { ok: true; data: z.output<S> } | { ok: false; errors: FieldErrors } {
  const raw = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>;
  const fields = Object.fromEntries(
    Object.entries(raw).filter(([k, v]) => k !== '_csrf' && !(typeof v === 'string' && v.trim() === '')),
  );
  const parsed = schema.safeParse(fields);
  if (parsed.success) return { ok: true, data: parsed.data };
  return { ok: false, errors: fieldsFromZodIssues(parsed.error.issues as never) };
}

/** Only a local path may follow a login: never another host, never a protocol-relative URL. */
export function safeNext(next: unknown, fallback: string): string {
  if (typeof next !== 'string' || next.length > 1000) return fallback;
  if (!/^\/(it|en)(\/|$|\?)/.test(next)) return fallback;
  if (next.startsWith('//') || next.includes('\\') || /[\r\n]/.test(next)) return fallback;
  return next;
}
