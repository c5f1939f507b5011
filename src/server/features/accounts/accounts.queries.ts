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
  t: { tokenHash: string; kind: 'password_reset' | 'invitation'; userId: string; validSeconds: number },
): Promise<void> {
  await db.query(
    `INSERT INTO one_time_token (token_hash, kind, user_id, expires_at)
     VALUES ($1, $2, $3, now() + make_interval(secs => $4))`,
    [t.tokenHash, t.kind, t.userId, t.validSeconds],
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

/** Marks the token used only if it is still valid: the caller learns whether it won the race. */
export async function consumeOneTimeToken(db: Db, tokenHash: string, kind: 'password_reset' | 'invitation'): Promise<string | null> {
  const [row] = await db.query<{ user_id: string }>(
    `UPDATE one_time_token SET used_at = now()
      WHERE token_hash = $1 AND kind = $2 AND used_at IS NULL AND expires_at > now()
      RETURNING user_id`,
    [tokenHash, kind],
  );
  return row?.user_id ?? null;
}

export async function getOrganisationName(db: Db, id: string): Promise<string | undefined> {
  const [row] = await db.query<{ legal_name: string; short_name: string | null }>(
    'SELECT legal_name, short_name FROM organisation WHERE id = $1',
    [id],
  );
  return row ? row.legal_name : undefined;
}
