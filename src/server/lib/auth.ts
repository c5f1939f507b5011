import { createHash, randomBytes } from 'node:crypto';
import type { Db } from '../db/db.ts';
import { ForbiddenError } from './errors.ts';
import type { Locale } from './i18n.ts';

export const roles = ['member', 'org_admin', 'staff', 'region', 'platform_admin'] as const;
export type Role = (typeof roles)[number];

/** 'public': anyone; 'authenticated': any signed-in user; otherwise any of the listed roles (scope checked by the domain). */
export type Access = 'public' | 'authenticated' | readonly Role[];

export type RoleGrant = { role: Role; clusterId: string | null; organisationId: string | null };

export type Actor = {
  userId: string;
  email: string;
  name: string;
  locale: Locale;
  isDemo: boolean;
  roles: RoleGrant[];
  /** Set when the request authenticated with a personal API token instead of a session. */
  tokenScope?: 'read' | 'read_write';
};

export const SESSION_COOKIE = 'filiera_session';
export const SESSION_DAYS = 14;

export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export function hasRole(actor: Actor | null, role: Role): boolean {
  return !!actor?.roles.some((r) => r.role === role);
}

export function allowedByAccess(actor: Actor | null, access: Access): boolean {
  if (access === 'public') return true;
  if (!actor) return false;
  if (access === 'authenticated') return true;
  return actor.roles.some((r) => access.includes(r.role));
}

/** Staff of this cluster, or a region officer (who sees every cluster). */
export function canManageCluster(actor: Actor | null, clusterId: string): boolean {
  return !!actor?.roles.some((r) => (r.role === 'staff' && r.clusterId === clusterId) || r.role === 'region');
}

export function isStaffOf(actor: Actor | null, clusterId: string): boolean {
  return !!actor?.roles.some((r) => r.role === 'staff' && r.clusterId === clusterId);
}

export function isOrgAdminOf(actor: Actor | null, organisationId: string): boolean {
  return !!actor?.roles.some((r) => r.role === 'org_admin' && r.organisationId === organisationId);
}

export function isMemberOf(actor: Actor | null, organisationId: string): boolean {
  return !!actor?.roles.some((r) => (r.role === 'member' || r.role === 'org_admin') && r.organisationId === organisationId);
}

/** Organisations the actor acts for (member user or organisation admin). */
export function organisationIdsOf(actor: Pick<Actor, 'roles'> | null): string[] {
  if (!actor) return [];
  return [...new Set(actor.roles.filter((r) => (r.role === 'member' || r.role === 'org_admin') && r.organisationId).map((r) => r.organisationId as string))];
}

export function requireClusterManager(actor: Actor | null, clusterId: string): asserts actor is Actor {
  if (!canManageCluster(actor, clusterId)) throw new ForbiddenError();
}

/** The clusters the actor is staff of. */
export function staffClusterIds(actor: Pick<Actor, 'roles'> | null): string[] {
  return (actor?.roles ?? []).filter((r) => r.role === 'staff' && r.clusterId).map((r) => r.clusterId as string);
}

/** Cluster ids whose staff data the actor may read; null means all (region officers, platform admins). */
export function managedClusterIds(actor: Actor | null): string[] | null {
  if (!actor) return [];
  if (actor.roles.some((r) => r.role === 'region' || r.role === 'platform_admin')) return null;
  return staffClusterIds(actor);
}

type ActorRow = {
  user_id: string;
  email: string;
  name: string;
  locale: Locale;
  is_demo: boolean;
  roles: RoleGrant[] | null;
  scope?: 'read' | 'read_write';
};

const actorColumns = `u.id AS user_id, u.email, u.name, u.locale, u.is_demo,
  (SELECT json_agg(json_build_object('role', r.role, 'clusterId', r.cluster_id, 'organisationId', r.organisation_id))
     FROM user_role r WHERE r.user_id = u.id) AS roles`;

function toActor(row: ActorRow | undefined): Actor | null {
  if (!row) return null;
  return {
    userId: row.user_id,
    email: row.email,
    name: row.name,
    locale: row.locale,
    isDemo: row.is_demo,
    roles: row.roles ?? [],
    ...(row.scope ? { tokenScope: row.scope } : {}),
  };
}

/** One query: the session's user with its roles; sliding expiry refreshed at most once an hour. */
export async function actorFromSession(db: Db, token: string): Promise<Actor | null> {
  const [row] = await db.query<ActorRow & { stale: boolean }>(
    `SELECT ${actorColumns}, s.last_seen_at < now() - interval '1 hour' AS stale
       FROM session s JOIN app_user u ON u.id = s.user_id
      WHERE s.id_hash = $1 AND s.expires_at > now() AND u.disabled_at IS NULL`,
    [hashToken(token)],
  );
  if (row?.stale) {
    await db.query(
      `UPDATE session SET last_seen_at = now(), expires_at = now() + interval '${SESSION_DAYS} days' WHERE id_hash = $1`,
      [hashToken(token)],
    );
  }
  return toActor(row);
}

export async function actorFromApiToken(db: Db, token: string): Promise<Actor | null> {
  const [row] = await db.query<ActorRow>(
    `UPDATE api_token t SET last_used_at = now()
       FROM app_user u
      WHERE t.token_hash = $1 AND t.user_id = u.id AND t.revoked_at IS NULL AND t.expires_at > now()
        AND u.disabled_at IS NULL
      RETURNING ${actorColumns}, t.scope`,
    [hashToken(token)],
  );
  return toActor(row);
}

export async function createSession(
  db: Db,
  userId: string,
  meta: { userAgent?: string; ip?: string } = {},
): Promise<string> {
  const token = newToken();
  await db.query(
    `INSERT INTO session (id_hash, user_id, expires_at, user_agent, ip)
     VALUES ($1, $2, now() + interval '${SESSION_DAYS} days', $3, $4)`,
    [hashToken(token), userId, meta.userAgent?.slice(0, 300) ?? null, meta.ip ?? null],
  );
  return token;
}

export async function destroySession(db: Db, token: string): Promise<void> {
  await db.query('DELETE FROM session WHERE id_hash = $1', [hashToken(token)]);
}
