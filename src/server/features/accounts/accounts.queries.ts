import type { Db } from '../../db/db.ts';
import type { Role } from '../../lib/auth.ts';

export type UserAuthRow = {
  id: string;
  email: string;
  name: string;
  locale: 'it' | 'en';
  password_hash: string | null;
  disabled_at: string | null;
};

export async function findUserByEmail(db: Db, email: string): Promise<UserAuthRow | undefined> {
  const [row] = await db.query<UserAuthRow>(
    'SELECT id, email, name, locale, password_hash, disabled_at FROM app_user WHERE lower(email) = lower($1)',
    [email.trim()],
  );
  return row;
}

export async function findUserById(db: Db, id: string): Promise<UserAuthRow | undefined> {
  const [row] = await db.query<UserAuthRow>(
    'SELECT id, email, name, locale, password_hash, disabled_at FROM app_user WHERE id = $1',
    [id],
  );
  return row;
}

/** Inserts a user without a password; on a concurrent insert of the same e-mail returns the existing row. */
export async function insertUserWithoutPassword(db: Db, u: { email: string; name: string; locale: 'it' | 'en' }): Promise<UserAuthRow> {
  const [row] = await db.query<UserAuthRow>(
    `INSERT INTO app_user (email, name, locale) VALUES ($1, $2, $3)
     ON CONFLICT DO NOTHING
     RETURNING id, email, name, locale, password_hash, disabled_at`,
    [u.email, u.name, u.locale],
  );
  return row ?? ((await findUserByEmail(db, u.email)) as UserAuthRow);
}

/** True when the role was added, false when the user already had it. */
export async function insertRole(
  db: Db,
  r: { userId: string; role: Role; clusterId?: string | null; organisationId?: string | null; grantedBy?: string | null },
): Promise<string | null> {
  const [row] = await db.query<{ id: string }>(
    `INSERT INTO user_role (user_id, role, cluster_id, organisation_id, granted_by) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT DO NOTHING RETURNING id`,
    [r.userId, r.role, r.clusterId ?? null, r.organisationId ?? null, r.grantedBy ?? null],
  );
  return row?.id ?? null;
}

export async function insertOneTimeToken(
  db: Db,
  t: {
    tokenHash: string;
    kind: 'password_reset' | 'invitation';
    userId: string;
    validSeconds: number;
    /** Invitations only: the organisation role granted when the invitation is accepted. */
    grant?: { organisationId: string; role: 'member' | 'org_admin'; invitedBy: string | null };
  },
): Promise<void> {
  await db.query(
    `INSERT INTO one_time_token (token_hash, kind, user_id, expires_at, organisation_id, role, invited_by)
     VALUES ($1, $2, $3, now() + make_interval(secs => $4), $5, $6, $7)`,
    [t.tokenHash, t.kind, t.userId, t.validSeconds, t.grant?.organisationId ?? null, t.grant?.role ?? null, t.grant?.invitedBy ?? null],
  );
}

export type OneTimeTokenRow = { user_id: string; kind: string; expired: boolean; used: boolean };

export async function findOneTimeToken(db: Db, tokenHash: string, kind: 'password_reset' | 'invitation'): Promise<OneTimeTokenRow | undefined> {
  const [row] = await db.query<OneTimeTokenRow>(
    `SELECT user_id, kind, expires_at <= now() AS expired, used_at IS NOT NULL AS used
       FROM one_time_token WHERE token_hash = $1 AND kind = $2`,
    [tokenHash, kind],
  );
  return row;
}

export type ConsumedTokenRow = {
  user_id: string;
  organisation_id: string | null;
  role: 'member' | 'org_admin' | null;
  invited_by: string | null;
};

/** Marks the token used only if it is still valid: the caller learns whether it won the race. */
export async function consumeOneTimeToken(
  db: Db,
  tokenHash: string,
  kind: 'password_reset' | 'invitation',
): Promise<ConsumedTokenRow | null> {
  const [row] = await db.query<ConsumedTokenRow>(
    `UPDATE one_time_token SET used_at = now()
      WHERE token_hash = $1 AND kind = $2 AND used_at IS NULL AND expires_at > now()
      RETURNING user_id, organisation_id, role, invited_by`,
    [tokenHash, kind],
  );
  return row ?? null;
}

/** Spends the still-open invitations of a user to an organisation; returns how many there were. */
export async function cancelInvitations(db: Db, organisationId: string, userId: string): Promise<number> {
  const rows = await db.query(
    `UPDATE one_time_token SET used_at = now()
      WHERE organisation_id = $1 AND user_id = $2 AND kind = 'invitation' AND used_at IS NULL AND expires_at > now()
      RETURNING token_hash`,
    [organisationId, userId],
  );
  return rows.length;
}

export async function getOrganisationName(db: Db, id: string): Promise<string | undefined> {
  const [row] = await db.query<{ legal_name: string; short_name: string | null }>(
    'SELECT legal_name, short_name FROM organisation WHERE id = $1',
    [id],
  );
  return row ? row.legal_name : undefined;
}

export async function setPassword(db: Db, userId: string, passwordHash: string): Promise<void> {
  await db.query('UPDATE app_user SET password_hash = $2 WHERE id = $1', [userId, passwordHash]);
}

export async function markLogin(db: Db, userId: string): Promise<void> {
  await db.query('UPDATE app_user SET last_login_at = now() WHERE id = $1', [userId]);
}

export async function deleteSessionsOfUser(db: Db, userId: string, exceptHash?: string): Promise<void> {
  await db.query('DELETE FROM session WHERE user_id = $1 AND id_hash IS DISTINCT FROM $2', [userId, exceptHash ?? null]);
}

export async function invalidateOneTimeTokens(db: Db, userId: string, kind: 'password_reset' | 'invitation'): Promise<void> {
  await db.query('UPDATE one_time_token SET used_at = now() WHERE user_id = $1 AND kind = $2 AND used_at IS NULL', [userId, kind]);
}

export async function updateProfile(db: Db, userId: string, p: { name: string; locale: 'it' | 'en' }): Promise<void> {
  await db.query('UPDATE app_user SET name = $2, locale = $3 WHERE id = $1', [userId, p.name, p.locale]);
}

export type RoleRow = { id: string; role: Role; cluster_id: string | null; organisation_id: string | null };

export async function rolesOfUser(db: Db, userId: string): Promise<RoleRow[]> {
  return db.query<RoleRow>(
    'SELECT id, role, cluster_id, organisation_id FROM user_role WHERE user_id = $1 ORDER BY granted_at, id',
    [userId],
  );
}

export async function clusterIdsOfOrganisation(db: Db, organisationId: string): Promise<string[]> {
  const rows = await db.query<{ cluster_id: string }>(
    `SELECT cluster_id FROM membership WHERE organisation_id = $1 AND status <> 'withdrawn'`,
    [organisationId],
  );
  return rows.map((r) => r.cluster_id);
}

export type OrgUserRow = {
  id: string;
  email: string;
  name: string;
  roles: ('member' | 'org_admin')[];
  activated: boolean;
  /** Role offered by the latest invitation not yet accepted (granted on acceptance), if any. */
  invited_role: 'member' | 'org_admin' | null;
};

/** People with an organisation role and people with an open invitation to it. */
export async function listOrganisationUsers(db: Db, organisationId: string): Promise<OrgUserRow[]> {
  return db.query<OrgUserRow>(
    `WITH granted AS (
       SELECT user_id, array_agg(role ORDER BY role) AS roles
         FROM user_role WHERE organisation_id = $1 AND role IN ('member', 'org_admin') GROUP BY user_id
     ), invited AS (
       SELECT DISTINCT ON (user_id) user_id, role
         FROM one_time_token
        WHERE organisation_id = $1 AND kind = 'invitation' AND used_at IS NULL AND expires_at > now()
        ORDER BY user_id, created_at DESC
     )
     SELECT u.id, u.email, u.name, coalesce(g.roles, ARRAY[]::text[]) AS roles,
            u.password_hash IS NOT NULL AS activated, i.role AS invited_role
       FROM (SELECT user_id FROM granted UNION SELECT user_id FROM invited) ids
       JOIN app_user u ON u.id = ids.user_id
       LEFT JOIN granted g ON g.user_id = u.id
       LEFT JOIN invited i ON i.user_id = u.id
      ORDER BY lower(u.name), u.id`,
    [organisationId],
  );
}

export async function deleteOrganisationRoles(
  db: Db,
  organisationId: string,
  userId: string,
  role?: 'member' | 'org_admin',
): Promise<string[]> {
  const rows = await db.query<{ role: string }>(
    `DELETE FROM user_role WHERE organisation_id = $1 AND user_id = $2 AND role IN ('member', 'org_admin')
       AND ($3::text IS NULL OR role = $3) RETURNING role`,
    [organisationId, userId, role ?? null],
  );
  return rows.map((r) => r.role);
}

export async function countOrgAdmins(db: Db, organisationId: string, exceptUserId?: string): Promise<number> {
  const [row] = await db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM user_role WHERE organisation_id = $1 AND role = 'org_admin' AND user_id IS DISTINCT FROM $2`,
    [organisationId, exceptUserId ?? null],
  );
  return row.n;
}

/** Revokes every live API token of the user (e.g. after a password reset); returns their ids and names. */
export async function revokeApiTokensOfUser(db: Db, userId: string): Promise<{ id: string; name: string }[]> {
  return db.query<{ id: string; name: string }>(
    'UPDATE api_token SET revoked_at = now() WHERE user_id = $1 AND revoked_at IS NULL RETURNING id, name',
    [userId],
  );
}

export type ApiTokenRow = {
  id: string;
  name: string;
  scope: 'read' | 'read_write';
  created_at: Date;
  expires_at: Date;
  last_used_at: Date | null;
  revoked_at: Date | null;
};
const tokenColumns = 'id, name, scope, created_at, expires_at, last_used_at, revoked_at';

export async function insertApiToken(
  db: Db,
  t: { userId: string; name: string; tokenHash: string; scope: 'read' | 'read_write'; days: number },
): Promise<ApiTokenRow> {
  const [row] = await db.query<ApiTokenRow>(
    `INSERT INTO api_token (user_id, name, token_hash, scope, expires_at)
     VALUES ($1, $2, $3, $4, now() + make_interval(days => $5)) RETURNING ${tokenColumns}`,
    [t.userId, t.name, t.tokenHash, t.scope, t.days],
  );
  return row;
}

export async function listApiTokens(db: Db, userId: string): Promise<ApiTokenRow[]> {
  return db.query<ApiTokenRow>(`SELECT ${tokenColumns} FROM api_token WHERE user_id = $1 ORDER BY created_at DESC, id`, [userId]);
}

export async function revokeApiToken(db: Db, userId: string, id: string): Promise<ApiTokenRow | undefined> {
  const [row] = await db.query<ApiTokenRow>(
    `UPDATE api_token SET revoked_at = coalesce(revoked_at, now()) WHERE id = $1 AND user_id = $2 RETURNING ${tokenColumns}`,
    [id, userId],
  );
  return row;
}

export type AdminUserRow = {
  id: string;
  email: string;
  name: string;
  disabled_at: Date | null;
  last_login_at: Date | null;
  roles: { id: string; role: string; clusterId: string | null; organisationId: string | null }[] | null;
};

export async function searchUsers(db: Db, p: { q?: string; limit: number; offset: number }): Promise<AdminUserRow[]> {
  return db.query<AdminUserRow>(
    `SELECT u.id, u.email, u.name, u.disabled_at, u.last_login_at,
            (SELECT json_agg(json_build_object('id', r.id, 'role', r.role, 'clusterId', r.cluster_id, 'organisationId', r.organisation_id) ORDER BY r.granted_at)
               FROM user_role r WHERE r.user_id = u.id) AS roles
       FROM app_user u
      WHERE $1::text IS NULL OR strpos(lower(u.email), lower($1)) > 0 OR strpos(lower(u.name), lower($1)) > 0
      ORDER BY lower(u.email), u.id
      LIMIT $2 OFFSET $3`,
    [p.q || null, p.limit, p.offset],
  );
}

export async function countUsers(db: Db, q?: string): Promise<number> {
  const [row] = await db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM app_user u
      WHERE $1::text IS NULL OR strpos(lower(u.email), lower($1)) > 0 OR strpos(lower(u.name), lower($1)) > 0`,
    [q || null],
  );
  return row.n;
}

export async function findRole(db: Db, userId: string, roleId: string): Promise<RoleRow | undefined> {
  const [row] = await db.query<RoleRow>('SELECT id, role, cluster_id, organisation_id FROM user_role WHERE id = $1 AND user_id = $2', [
    roleId,
    userId,
  ]);
  return row;
}

export async function deleteRole(db: Db, roleId: string): Promise<void> {
  await db.query('DELETE FROM user_role WHERE id = $1', [roleId]);
}

export async function clusterExists(db: Db, id: string): Promise<boolean> {
  const rows = await db.query('SELECT 1 FROM cluster WHERE id = $1', [id]);
  return rows.length > 0;
}

export async function listClusters(db: Db): Promise<{ id: string; name_it: string; name_en: string }[]> {
  return db.query('SELECT id, name_it, name_en FROM cluster ORDER BY name_it, id');
}
