import { hash as argon2Hash, verify as argon2Verify } from '@node-rs/argon2';
import type { Db } from '../../db/db.ts';
import { recordAudit } from '../../lib/audit.ts';
import { type Actor, createSession, destroySession, hasRole, hashToken, isOrgAdminOf, isStaffOf, newToken } from '../../lib/auth.ts';
import { AppError, ConflictError, ForbiddenError, NotFoundError, TooManyRequestsError, ValidationError } from '../../lib/errors.ts';
import type { Locale } from '../../lib/i18n.ts';
import { enqueueEmail } from '../../lib/jobs.ts';
import { mailLink } from '../../lib/mail.ts';
import { hitRateLimit, resetRateLimit } from '../../lib/rate-limit.ts';
import { adminRoles } from './accounts.schemas.ts';
import * as q from './accounts.queries.ts';

export const INVITATION_DAYS = 14;
export const RESET_MINUTES = 60;

export type InviteInput = {
  email: string;
  name: string;
  organisationId: string;
  role: 'member' | 'org_admin';
  /** Language of the e-mail and of the accept link. */
  locale: Locale;
  /** Shown in the e-mail when the invitation comes from a cluster (e.g. after an approved application). */
  clusterName?: string;
  /** Base URL of the installation (config.publicUrl), e.g. "https://filiera.example.org". */
  publicUrl: string;
};

/**
 * Invites a person to an organisation, inside the caller's transaction: finds the user by e-mail or creates
 * one without a password, and e-mails a one-time invitation link valid 14 days (only its hash is stored).
 * The invitation keeps the organisation and the role; the role is granted (audited as role.granted) only
 * when the person accepts (acceptInvitation), never when the e-mail is sent. Nobody invites themselves.
 * Scope checks are the caller's: this function trusts that the actor may invite to this organisation
 * (see requireOrganisationUserManager).
 */
export async function inviteUser(tx: Db, actor: Actor | null, input: InviteInput): Promise<{ userId: string }> {
  const email = input.email.trim().toLowerCase();
  if (actor && actor.email.trim().toLowerCase() === email) {
    throw new ConflictError('self_invite', 'You cannot invite yourself', { email: 'self_invite' });
  }
  const organisationName = await q.getOrganisationName(tx, input.organisationId);
  if (!organisationName) throw new NotFoundError('organisation');
  const user =
    (await q.findUserByEmail(tx, email)) ??
    (await q.insertUserWithoutPassword(tx, { email, name: input.name.trim() || email, locale: input.locale }));
  const token = newToken();
  await q.insertOneTimeToken(tx, {
    tokenHash: hashToken(token),
    kind: 'invitation',
    userId: user.id,
    validSeconds: INVITATION_DAYS * 24 * 3600,
    grant: { organisationId: input.organisationId, role: input.role, invitedBy: actor?.userId ?? null },
  });
  await recordAudit(tx, actor, {
    action: 'invitation.sent',
    subjectType: 'user',
    subjectId: user.id,
    after: { role: input.role, organisationId: input.organisationId, email },
  });
  await enqueueEmail(tx, {
    to: user.email,
    locale: input.locale,
    template: 'accounts.email.invitation',
    params: {
      name: user.name,
      organisation: organisationName,
      // the cluster in brackets when the invitation comes from one (an admission); nothing rather than 'Filiera (Filiera)'
      cluster: input.clusterName ? ` (${input.clusterName})` : '',
      inviter: actor?.name ?? 'Filiera',
      link: mailLink(input.publicUrl, `/${input.locale}/invitations/${token}`),
      days: INVITATION_DAYS,
    },
  });
  return { userId: user.id };
}

// ---------------------------------------------------------------------------------------------
// Sign-in, sessions, passwords

export const LOGIN_LIMITS = {
  email: { limit: 5, windowSeconds: 15 * 60 },
  ip: { limit: 30, windowSeconds: 15 * 60 },
};
export const RESET_LIMITS = {
  email: { limit: 3, windowSeconds: 60 * 60 },
  ip: { limit: 20, windowSeconds: 60 * 60 },
};

let dummyHash: Promise<string> | undefined;
/** Unknown e-mails are verified against this, so they take as long as known ones. */
function dummyPasswordHash(): Promise<string> {
  dummyHash ??= hashPassword(newToken());
  return dummyHash;
}

/** argon2id with the library's defaults (its default algorithm; tests assert the $argon2id$ prefix). */
export function hashPassword(password: string): Promise<string> {
  return argon2Hash(password);
}

async function verifyPassword(hash: string | null, password: string): Promise<boolean> {
  try {
    return await argon2Verify(hash ?? (await dummyPasswordHash()), password);
  } catch {
    return false;
  }
}

const loginEmailKey = (email: string) => `login:email:${email.trim().toLowerCase()}`;
const loginIpKey = (ip: string) => `login:ip:${ip}`;

export type UserSummary = {
  id: string;
  email: string;
  name: string;
  locale: Locale;
  roles: { id: string; role: string; clusterId: string | null; organisationId: string | null }[];
};

async function userSummary(db: Db, userId: string): Promise<UserSummary> {
  const user = await q.findUserById(db, userId);
  if (!user) throw new NotFoundError('user');
  const roles = await q.rolesOfUser(db, userId);
  return {
    id: user.id,
    email: user.email,
    name: user.name,
    locale: user.locale,
    roles: roles.map((r) => ({ id: r.id, role: r.role, clusterId: r.cluster_id, organisationId: r.organisation_id })),
  };
}

/**
 * Checks the password and opens a session. Every attempt is counted first, atomically, per e-mail and per
 * IP in the database (all instances share them), so parallel requests cannot slip past the limit; a
 * success forgets the e-mail's count. The answer never says whether the e-mail exists.
 */
export async function login(
  db: Db,
  input: { email: string; password: string; ip: string; userAgent?: string },
): Promise<{ token: string; user: UserSummary }> {
  const emailKey = loginEmailKey(input.email);
  await hitRateLimit(db, emailKey, LOGIN_LIMITS.email);
  await hitRateLimit(db, loginIpKey(input.ip), LOGIN_LIMITS.ip);
  const user = await q.findUserByEmail(db, input.email);
  const ok = await verifyPassword(user?.password_hash ?? null, input.password);
  if (!user || !user.password_hash || user.disabled_at || !ok) {
    throw new AppError(401, 'invalid_credentials', 'E-mail or password is wrong');
  }
  await resetRateLimit(db, emailKey);
  await q.markLogin(db, user.id);
  const token = await createSession(db, user.id, { ip: input.ip, userAgent: input.userAgent });
  return { token, user: await userSummary(db, user.id) };
}

export async function logout(db: Db, sessionToken: string | undefined): Promise<void> {
  if (sessionToken) await destroySession(db, sessionToken);
}

/**
 * Always resolves the same way whether the address exists or not; only the rate limit shows. The request
 * is counted atomically per e-mail and per IP before anything else happens.
 */
export async function requestPasswordReset(db: Db, input: { email: string; ip: string; publicUrl: string }): Promise<void> {
  const email = input.email.trim().toLowerCase();
  await hitRateLimit(db, `reset:email:${email}`, RESET_LIMITS.email);
  await hitRateLimit(db, `reset:ip:${input.ip}`, RESET_LIMITS.ip);
  await db.transaction(async (tx) => {
    const user = await q.findUserByEmail(tx, email);
    if (!user || user.disabled_at) return;
    const token = newToken();
    await q.insertOneTimeToken(tx, { tokenHash: hashToken(token), kind: 'password_reset', userId: user.id, validSeconds: RESET_MINUTES * 60 });
    await enqueueEmail(tx, {
      to: user.email,
      locale: user.locale,
      template: 'accounts.email.passwordReset',
      params: {
        name: user.name,
        link: mailLink(input.publicUrl, `/${user.locale}/password-reset/${token}`),
        minutes: RESET_MINUTES,
      },
    });
  });
}

export async function checkOneTimeToken(
  db: Db,
  token: string,
  kind: 'password_reset' | 'invitation',
): Promise<{ status: 'valid'; user: q.UserAuthRow } | { status: 'expired' | 'used' | 'unknown' }> {
  const row = await q.findOneTimeToken(db, hashToken(token), kind);
  if (!row) return { status: 'unknown' };
  if (row.used) return { status: 'used' };
  if (row.expired) return { status: 'expired' };
  const user = await q.findUserById(db, row.user_id);
  if (!user || user.disabled_at) return { status: 'unknown' };
  return { status: 'valid', user };
}

export class TokenInvalidError extends AppError {
  constructor(readonly reason: 'expired' | 'used' | 'unknown') {
    super(410, 'token_invalid', 'This link has expired or has already been used');
  }
}

async function consumeOrThrow(tx: Db, token: string, kind: 'password_reset' | 'invitation'): Promise<q.ConsumedTokenRow> {
  const row = await q.consumeOneTimeToken(tx, hashToken(token), kind);
  if (row) return row;
  const check = await checkOneTimeToken(tx, token, kind);
  throw new TokenInvalidError(check.status === 'valid' ? 'used' : check.status);
}

/**
 * Sets the new password, spends the link, closes every session of the user, revokes every API token of
 * theirs (each audited as api_token.revoked) and opens a new session.
 */
export async function resetPassword(
  db: Db,
  input: { token: string; password: string; ip?: string; userAgent?: string },
): Promise<{ sessionToken: string; userId: string }> {
  const passwordHash = await hashPassword(input.password);
  return db.transaction(async (tx) => {
    const { user_id: userId } = await consumeOrThrow(tx, input.token, 'password_reset');
    await q.setPassword(tx, userId, passwordHash);
    await q.invalidateOneTimeTokens(tx, userId, 'password_reset');
    await q.deleteSessionsOfUser(tx, userId);
    const self = { userId } as Actor;
    await recordAudit(tx, self, { action: 'user.password_reset', subjectType: 'user', subjectId: userId });
    for (const revoked of await q.revokeApiTokensOfUser(tx, userId)) {
      await recordAudit(tx, self, {
        action: 'api_token.revoked',
        subjectType: 'api_token',
        subjectId: revoked.id,
        before: { name: revoked.name },
        after: { reason: 'password_reset' },
      });
    }
    // whoever reset the password controls the address: signing in with it is no longer held back
    const user = await q.findUserById(tx, userId);
    if (user) await resetRateLimit(tx, loginEmailKey(user.email));
    const sessionToken = await createSession(tx, userId, { ip: input.ip, userAgent: input.userAgent });
    return { sessionToken, userId };
  });
}

/**
 * The invited person chooses name and password and is signed in. A person who already has a password
 * (invited to a second organisation) keeps it: the link confirms the address and signs them in.
 * Accepting grants the organisation role the invitation carries (audited as role.granted).
 */
export async function acceptInvitation(
  db: Db,
  input: { token: string; name?: string; password?: string; ip?: string; userAgent?: string },
): Promise<{ sessionToken: string; userId: string }> {
  const passwordHash = input.password ? await hashPassword(input.password) : null;
  return db.transaction(async (tx) => {
    const invitation = await consumeOrThrow(tx, input.token, 'invitation');
    const userId = invitation.user_id;
    const user = (await q.findUserById(tx, userId)) as q.UserAuthRow;
    if (!user.password_hash) {
      if (!passwordHash || !input.name) throw new ValidationError({ ...(input.name ? {} : { name: 'required' }), ...(passwordHash ? {} : { password: 'required' }) });
      await q.setPassword(tx, userId, passwordHash);
      await q.updateProfile(tx, userId, { name: input.name, locale: user.locale });
    }
    await q.markLogin(tx, userId);
    const self = { userId } as Actor;
    await recordAudit(tx, self, { action: 'user.invitation_accepted', subjectType: 'user', subjectId: userId });
    if (invitation.organisation_id && invitation.role) {
      const roleId = await q.insertRole(tx, {
        userId,
        role: invitation.role,
        organisationId: invitation.organisation_id,
        grantedBy: invitation.invited_by,
      });
      if (roleId) {
        await recordAudit(tx, self, {
          action: 'role.granted',
          subjectType: 'user',
          subjectId: userId,
          after: { role: invitation.role, organisationId: invitation.organisation_id, invitedBy: invitation.invited_by, email: user.email },
        });
      }
    }
    const sessionToken = await createSession(tx, userId, { ip: input.ip, userAgent: input.userAgent });
    return { sessionToken, userId };
  });
}

// ---------------------------------------------------------------------------------------------
// Own account

export async function getAccount(db: Db, actor: Actor): Promise<UserSummary> {
  return userSummary(db, actor.userId);
}

/** The organisations the user belongs to, by name: the account page says where they work and where to go next. */
export async function accountOrganisations(db: Db, account: UserSummary): Promise<{ id: string; name: string; admin: boolean }[]> {
  const out: { id: string; name: string; admin: boolean }[] = [];
  for (const r of account.roles) {
    if (!r.organisationId || out.some((o) => o.id === r.organisationId)) continue;
    const name = await q.getOrganisationName(db, r.organisationId);
    if (name) out.push({ id: r.organisationId, name, admin: account.roles.some((x) => x.organisationId === r.organisationId && x.role === 'org_admin') });
  }
  return out;
}

export async function updateAccount(db: Db, actor: Actor, input: { name: string; locale: Locale }): Promise<UserSummary> {
  await q.updateProfile(db, actor.userId, input);
  return userSummary(db, actor.userId);
}

/** The current password is required; every other session of the user is closed. */
export async function changePassword(
  db: Db,
  actor: Actor,
  input: { currentPassword: string; password: string; currentSessionToken?: string },
): Promise<void> {
  const user = await q.findUserById(db, actor.userId);
  if (!user || !(await verifyPassword(user.password_hash, input.currentPassword)) || !user.password_hash) {
    throw new ValidationError({ currentPassword: 'wrong_password' });
  }
  const passwordHash = await hashPassword(input.password);
  await db.transaction(async (tx) => {
    await q.setPassword(tx, actor.userId, passwordHash);
    await q.deleteSessionsOfUser(tx, actor.userId, input.currentSessionToken ? hashToken(input.currentSessionToken) : undefined);
    await recordAudit(tx, actor, { action: 'user.password_changed', subjectType: 'user', subjectId: actor.userId });
  });
}

export type ApiTokenView = {
  id: string;
  name: string;
  scope: 'read' | 'read_write';
  createdAt: string;
  expiresAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
};

const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString());
function tokenView(r: q.ApiTokenRow): ApiTokenView {
  return {
    id: r.id,
    name: r.name,
    scope: r.scope,
    createdAt: iso(r.created_at) as string,
    expiresAt: iso(r.expires_at) as string,
    lastUsedAt: iso(r.last_used_at),
    revokedAt: iso(r.revoked_at),
  };
}

/** The token is returned once, here; only its SHA-256 hash is stored. */
export async function createApiToken(
  db: Db,
  actor: Actor,
  input: { name: string; scope: 'read' | 'read_write'; expiresInDays: number },
): Promise<ApiTokenView & { token: string }> {
  const token = newToken();
  return db.transaction(async (tx) => {
    const row = await q.insertApiToken(tx, {
      userId: actor.userId,
      name: input.name,
      tokenHash: hashToken(token),
      scope: input.scope,
      days: input.expiresInDays,
    });
    await recordAudit(tx, actor, {
      action: 'api_token.created',
      subjectType: 'api_token',
      subjectId: row.id,
      after: { name: row.name, scope: row.scope, expiresAt: iso(row.expires_at) },
    });
    return { ...tokenView(row), token };
  });
}

export async function listApiTokens(db: Db, actor: Actor): Promise<ApiTokenView[]> {
  return (await q.listApiTokens(db, actor.userId)).map(tokenView);
}

export async function revokeApiToken(db: Db, actor: Actor, id: string): Promise<ApiTokenView> {
  return db.transaction(async (tx) => {
    const row = await q.revokeApiToken(tx, actor.userId, id);
    if (!row) throw new NotFoundError('token');
    await recordAudit(tx, actor, { action: 'api_token.revoked', subjectType: 'api_token', subjectId: row.id, before: { name: row.name } });
    return tokenView(row);
  });
}

// ---------------------------------------------------------------------------------------------
// Users of an organisation

/**
 * The one rule for who manages an organisation's users.
 * - 'list' (see its users and open invitations): its org_admins, staff of a cluster it belongs to
 *   (membership not withdrawn), region officers and platform admins.
 * - 'manage' (invite, remove): its org_admins and platform admins always; staff of such a cluster and
 *   region officers only while the organisation has NO org_admin (to hand it to its first administrator),
 *   after that only its own admins.
 * Throws NotFound for an unknown organisation and Forbidden otherwise. Call it with the transaction that
 * makes the change, so the "no org_admin yet" check and the change see the same data.
 */
export async function requireOrganisationUserManager(db: Db, actor: Actor, organisationId: string, need: 'list' | 'manage'): Promise<void> {
  if (!(await q.getOrganisationName(db, organisationId))) throw new NotFoundError('organisation');
  if (isOrgAdminOf(actor, organisationId) || hasRole(actor, 'platform_admin')) return;
  const steward = hasRole(actor, 'region') || (await q.clusterIdsOfOrganisation(db, organisationId)).some((c) => isStaffOf(actor, c));
  if (!steward) throw new ForbiddenError();
  if (need === 'manage' && (await q.countOrgAdmins(db, organisationId)) > 0) {
    throw new ForbiddenError('Only the organisation’s own administrators manage its users once it has one');
  }
}

export async function listOrganisationUsers(
  db: Db,
  actor: Actor,
  organisationId: string,
): Promise<{ organisationName: string; items: q.OrgUserRow[] }> {
  await requireOrganisationUserManager(db, actor, organisationId, 'list');
  return {
    organisationName: (await q.getOrganisationName(db, organisationId)) as string,
    items: await q.listOrganisationUsers(db, organisationId),
  };
}

export async function inviteOrganisationUser(
  db: Db,
  actor: Actor,
  organisationId: string,
  input: { email: string; name: string; role: 'member' | 'org_admin'; locale: Locale; publicUrl: string },
): Promise<{ userId: string }> {
  return db.transaction(async (tx) => {
    await requireOrganisationUserManager(tx, actor, organisationId, 'manage');
    return inviteUser(tx, actor, { ...input, organisationId });
  });
}

/**
 * Removes the user's organisation roles (or one of them) and cancels their open invitations to it;
 * nobody can drop the organisation's own last admin role of their own.
 */
export async function revokeOrganisationUser(
  db: Db,
  actor: Actor,
  organisationId: string,
  userId: string,
  role?: 'member' | 'org_admin',
): Promise<void> {
  await db.transaction(async (tx) => {
    await requireOrganisationUserManager(tx, actor, organisationId, 'manage');
    if (userId === actor.userId && (!role || role === 'org_admin') && isOrgAdminOf(actor, organisationId)) {
      if ((await q.countOrgAdmins(tx, organisationId, actor.userId)) === 0) {
        throw new ConflictError('last_admin', 'You are the last administrator of this organisation');
      }
    }
    const removed = await q.deleteOrganisationRoles(tx, organisationId, userId, role);
    const cancelled = role ? 0 : await q.cancelInvitations(tx, organisationId, userId);
    if (removed.length === 0 && cancelled === 0) throw new NotFoundError('role');
    if (cancelled > 0) {
      await recordAudit(tx, actor, { action: 'invitation.cancelled', subjectType: 'user', subjectId: userId, before: { organisationId } });
    }
    for (const r of removed) {
      await recordAudit(tx, actor, {
        action: 'role.revoked',
        subjectType: 'user',
        subjectId: userId,
        before: { role: r, organisationId },
      });
    }
  });
}

// ---------------------------------------------------------------------------------------------
// Platform administration

export const ADMIN_PAGE_SIZE = 25;

export async function listUsers(
  db: Db,
  actor: Actor,
  input: { q?: string; page: number },
): Promise<{ items: { id: string; email: string; name: string; disabled: boolean; lastLoginAt: string | null; roles: { id: string; role: string; clusterId: string | null; organisationId: string | null }[] }[]; page: number; pageSize: number; total: number }> {
  if (!hasRole(actor, 'platform_admin')) throw new ForbiddenError();
  const rows = await q.searchUsers(db, { q: input.q, limit: ADMIN_PAGE_SIZE, offset: (input.page - 1) * ADMIN_PAGE_SIZE });
  return {
    items: rows.map((r) => ({
      id: r.id,
      email: r.email,
      name: r.name,
      disabled: r.disabled_at !== null,
      lastLoginAt: iso(r.last_login_at),
      roles: (r.roles ?? []).map((x) => ({ id: x.id, role: x.role, clusterId: x.clusterId, organisationId: x.organisationId })),
    })),
    page: input.page,
    pageSize: ADMIN_PAGE_SIZE,
    total: await q.countUsers(db, input.q),
  };
}

export async function grantRole(
  db: Db,
  actor: Actor,
  input: { userId: string; role: 'staff' | 'region' | 'platform_admin'; clusterId?: string },
): Promise<{ roleId: string }> {
  if (!hasRole(actor, 'platform_admin')) throw new ForbiddenError();
  return db.transaction(async (tx) => {
    if (!(await q.findUserById(tx, input.userId))) throw new NotFoundError('user');
    const clusterId = input.role === 'staff' ? (input.clusterId ?? null) : null;
    if (input.role === 'staff' && (!clusterId || !(await q.clusterExists(tx, clusterId)))) {
      throw new ValidationError({ clusterId: clusterId ? 'invalid_value' : 'required' });
    }
    const roleId = await q.insertRole(tx, { userId: input.userId, role: input.role, clusterId, grantedBy: actor.userId });
    if (!roleId) throw new ConflictError('role_exists', 'The user already has this role');
    await recordAudit(tx, actor, {
      action: 'role.granted',
      subjectType: 'user',
      subjectId: input.userId,
      clusterId,
      after: { role: input.role, clusterId },
    });
    return { roleId };
  });
}

export async function revokeRole(db: Db, actor: Actor, input: { userId: string; roleId: string }): Promise<void> {
  if (!hasRole(actor, 'platform_admin')) throw new ForbiddenError();
  await db.transaction(async (tx) => {
    const role = await q.findRole(tx, input.userId, input.roleId);
    if (!role || !(adminRoles as readonly string[]).includes(role.role)) throw new NotFoundError('role');
    if (role.role === 'platform_admin' && input.userId === actor.userId) {
      throw new ConflictError('own_admin_role', 'You cannot remove your own platform administrator role');
    }
    await q.deleteRole(tx, role.id);
    await recordAudit(tx, actor, {
      action: 'role.revoked',
      subjectType: 'user',
      subjectId: input.userId,
      clusterId: role.cluster_id,
      before: { role: role.role, clusterId: role.cluster_id },
    });
  });
}

export async function listClustersForAdmin(db: Db): Promise<{ id: string; name_it: string; name_en: string }[]> {
  return q.listClusters(db);
}
