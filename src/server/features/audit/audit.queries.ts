import type { Db } from '../../db/db.ts';

export type AuditFilter = {
  /** null: every cluster; otherwise only events of these clusters. */
  clusterIds: string[] | null;
  clusterId?: string;
  action?: string;
  subjectType?: string;
  from?: string;
  to?: string;
};

export type AuditRow = {
  id: number;
  at: Date;
  action: string;
  subject_type: string;
  subject_id: string;
  cluster_id: string | null;
  cluster_name_it: string | null;
  cluster_name_en: string | null;
  actor_user_id: string | null;
  actor_name: string | null;
  before: unknown;
  after: unknown;
};

// Dates are days in Italy: "to" includes the whole day.
const where = `
  WHERE ($1::text IS NULL OR e.cluster_id::text = ANY (string_to_array($1, ',')))
    AND ($2::uuid IS NULL OR e.cluster_id = $2::uuid)
    AND ($3::text IS NULL OR e.action = $3)
    AND ($4::text IS NULL OR e.subject_type = $4)
    AND ($5::date IS NULL OR e.at >= ($5::date)::timestamp AT TIME ZONE 'Europe/Rome')
    AND ($6::date IS NULL OR e.at < ($6::date + 1)::timestamp AT TIME ZONE 'Europe/Rome')`;

const params = (f: AuditFilter) => [
  f.clusterIds === null ? null : f.clusterIds.join(','),
  f.clusterId ?? null,
  f.action ?? null,
  f.subjectType ?? null,
  f.from ?? null,
  f.to ?? null,
];

export async function listAuditEvents(db: Db, f: AuditFilter, limit: number, offset: number): Promise<AuditRow[]> {
  return db.query<AuditRow>(
    `SELECT e.id, e.at, e.action, e.subject_type, e.subject_id, e.cluster_id,
            c.name_it AS cluster_name_it, c.name_en AS cluster_name_en,
            e.actor_user_id, u.name AS actor_name, e.before, e.after
       FROM audit_event e
       LEFT JOIN app_user u ON u.id = e.actor_user_id
       LEFT JOIN cluster c ON c.id = e.cluster_id
     ${where}
      ORDER BY e.at DESC, e.id DESC
      LIMIT $7 OFFSET $8`,
    [...params(f), limit, offset],
  );
}

export async function countAuditEvents(db: Db, f: AuditFilter): Promise<number> {
  const [row] = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM audit_event e ${where}`, params(f));
  return row.n;
}

export async function distinctValues(db: Db, clusterIds: string[] | null): Promise<{ actions: string[]; subjectTypes: string[] }> {
  const scope = clusterIds === null ? null : clusterIds.join(',');
  const actions = await db.query<{ v: string }>(
    `SELECT DISTINCT action AS v FROM audit_event e WHERE $1::text IS NULL OR e.cluster_id::text = ANY (string_to_array($1, ',')) ORDER BY 1`,
    [scope],
  );
  const types = await db.query<{ v: string }>(
    `SELECT DISTINCT subject_type AS v FROM audit_event e WHERE $1::text IS NULL OR e.cluster_id::text = ANY (string_to_array($1, ',')) ORDER BY 1`,
    [scope],
  );
  return { actions: actions.map((r) => r.v), subjectTypes: types.map((r) => r.v) };
}

export async function clustersByIds(db: Db, ids: string[] | null): Promise<{ id: string; name_it: string; name_en: string }[]> {
  return db.query(
    `SELECT id, name_it, name_en FROM cluster WHERE $1::text IS NULL OR id::text = ANY (string_to_array($1, ',')) ORDER BY name_it, id`,
    [ids === null ? null : ids.join(',')],
  );
}
