import type { Db } from '../../db/db.ts';
import { pgErrorCode } from '../../db/db.ts';
import { ConflictError } from '../../lib/errors.ts';

// Profiles are the marketplace's; this feature reads the few columns it needs with its own query.
export type ProfileRow = {
  id: string;
  cluster_id: string;
  organisation_id: string;
  type: string;
  title_it: string | null;
  title_en: string | null;
  summary_it: string | null;
  summary_en: string | null;
  anonymous: boolean;
  status: string;
  /** the last day to express interest (YYYY-MM-DD), if the owner set one */
  deadline: string | null;
  owner_name: string;
};

export async function selectProfile(db: Db, id: string): Promise<ProfileRow | undefined> {
  const [row] = await db.query<ProfileRow>(
    `SELECT p.id, p.cluster_id, p.organisation_id, p.type, p.title_it, p.title_en, p.summary_it, p.summary_en, p.anonymous, p.status, p.deadline,
            o.legal_name AS owner_name
       FROM profile p JOIN organisation o ON o.id = p.organisation_id WHERE p.id = $1`,
    [id],
  );
  return row;
}

export type InterestRow = {
  id: string;
  profile_id: string;
  organisation_id: string;
  message: string;
  status: 'pending' | 'accepted' | 'declined' | 'withdrawn';
  decline_reason: 'too_early' | 'not_a_fit' | 'benefit_unclear' | 'has_partner' | 'other' | null;
  decline_comment: string | null;
  decided_at: Date | null;
  created_at: Date;
  interested_name: string;
  profile_cluster_id: string;
  profile_organisation_id: string;
  profile_type: string;
  profile_title_it: string | null;
  profile_title_en: string | null;
  profile_anonymous: boolean;
  owner_name: string;
  collaboration_id: string | null;
};

const interestColumns = `i.id, i.profile_id, i.organisation_id, i.message, i.status, i.decline_reason, i.decline_comment, i.decided_at, i.created_at,
  io.legal_name AS interested_name, p.cluster_id AS profile_cluster_id, p.organisation_id AS profile_organisation_id, p.type AS profile_type,
  p.title_it AS profile_title_it, p.title_en AS profile_title_en, p.anonymous AS profile_anonymous, oo.legal_name AS owner_name,
  (SELECT c.id FROM collaboration c WHERE c.interest_id = i.id) AS collaboration_id`;
const interestFrom = `interest i JOIN profile p ON p.id = i.profile_id JOIN organisation io ON io.id = i.organisation_id
  JOIN organisation oo ON oo.id = p.organisation_id`;

export async function selectInterest(db: Db, id: string, lock = false): Promise<InterestRow | undefined> {
  const [row] = await db.query<InterestRow>(`SELECT ${interestColumns} FROM ${interestFrom} WHERE i.id = $1${lock ? ' FOR UPDATE OF i' : ''}`, [id]);
  return row;
}

/**
 * received: interests in profiles of the reader's organisations or of the clusters they staff (null: every cluster);
 * sent: interests the reader's organisations expressed.
 */
export async function selectInterests(
  db: Db,
  v: { box: 'received' | 'sent'; orgIds: string[]; staffClusterIds: string[] | null; status?: string; limit: number; offset: number },
) {
  const rows = await db.query<InterestRow & { total: number }>(
    `SELECT ${interestColumns}, count(*) OVER () AS total FROM ${interestFrom}
      WHERE CASE WHEN $6::text = 'sent' THEN i.organisation_id = ANY($1::uuid[])
                 ELSE (p.organisation_id = ANY($1::uuid[]) OR $2::uuid[] IS NULL OR p.cluster_id = ANY($2::uuid[])) END
        AND ($3::text IS NULL OR i.status = $3)
      ORDER BY (i.status = 'pending') DESC, i.created_at DESC, i.id LIMIT $4 OFFSET $5`,
    [v.orgIds, v.staffClusterIds, v.status ?? null, v.limit, v.offset, v.box],
  );
  return { rows, total: rows[0]?.total ?? 0 };
}

export async function hasActiveMembership(db: Db, organisationId: string): Promise<boolean> {
  return (await db.query("SELECT 1 FROM membership WHERE organisation_id = $1 AND status = 'active' LIMIT 1", [organisationId])).length > 0;
}

export async function selectOrganisationNames(db: Db, ids: string[]): Promise<Map<string, string>> {
  const rows = await db.query<{ id: string; legal_name: string }>('SELECT id, legal_name FROM organisation WHERE id = ANY($1::uuid[])', [ids]);
  return new Map(rows.map((r) => [r.id, r.legal_name]));
}

/** Open (pending or accepted) interests of these organisations in one profile. */
export async function selectOpenInterestOrgs(db: Db, profileId: string, orgIds: string[]): Promise<string[]> {
  const rows = await db.query<{ organisation_id: string }>(
    "SELECT organisation_id FROM interest WHERE profile_id = $1 AND organisation_id = ANY($2::uuid[]) AND status IN ('pending', 'accepted')",
    [profileId, orgIds],
  );
  return rows.map((r) => r.organisation_id);
}

export async function insertInterest(db: Db, v: { profileId: string; organisationId: string; message: string; userId: string }): Promise<string> {
  try {
    const [row] = await db.query<{ id: string }>(
      'INSERT INTO interest (profile_id, organisation_id, message, created_by) VALUES ($1, $2, $3, $4) RETURNING id',
      [v.profileId, v.organisationId, v.message, v.userId],
    );
    return row.id;
  } catch (err) {
    if (pgErrorCode(err) === '23505') throw interestExists();
    throw err;
  }
}

export const interestExists = () =>
  new ConflictError('interest_exists', 'Your organisation already has an open expression of interest in this profile', { profileId: 'taken' });

export async function setInterestStatus(
  db: Db,
  v: { id: string; status: 'accepted' | 'declined' | 'withdrawn'; reason?: string | null; comment?: string | null; userId: string },
): Promise<void> {
  await db.query(
    `UPDATE interest SET status = $2, decline_reason = $3, decline_comment = $4, decided_by = $5, decided_at = now() WHERE id = $1`,
    [v.id, v.status, v.reason ?? null, v.comment ?? null, v.userId],
  );
}

export async function insertCollaboration(
  db: Db,
  v: { interestId: string; profileId: string; clusterId: string; ownerId: string; partnerId: string },
): Promise<string> {
  const [row] = await db.query<{ id: string }>(
    `INSERT INTO collaboration (interest_id, profile_id, cluster_id, owner_organisation_id, partner_organisation_id)
     VALUES ($1, $2, $3, $4, $5) RETURNING id`,
    [v.interestId, v.profileId, v.clusterId, v.ownerId, v.partnerId],
  );
  return row.id;
}

export async function insertEvent(db: Db, v: { collaborationId: string; stage: string | null; outcome: string | null; note: string | null; userId: string }) {
  await db.query('INSERT INTO collaboration_event (collaboration_id, stage, outcome, note, actor_id) VALUES ($1, $2, $3, $4, $5)', [
    v.collaborationId,
    v.stage,
    v.outcome,
    v.note,
    v.userId,
  ]);
}

export type CollaborationRow = {
  id: string;
  interest_id: string;
  profile_id: string;
  cluster_id: string;
  cluster_slug: string;
  cluster_name_it: string;
  cluster_name_en: string;
  owner_organisation_id: string;
  partner_organisation_id: string;
  owner_name: string;
  partner_name: string;
  profile_type: string;
  profile_title_it: string | null;
  profile_title_en: string | null;
  stage: 'contact' | 'nda' | 'proposal' | 'agreement_signed' | 'project_started';
  outcome: 'licence' | 'research_contract' | 'joint_project' | 'funded_project' | 'none' | null;
  outcome_at: Date | null;
  created_at: Date;
  updated_at: Date;
};

const collaborationColumns = `c.id, c.interest_id, c.profile_id, c.cluster_id, cl.slug AS cluster_slug, cl.name_it AS cluster_name_it,
  cl.name_en AS cluster_name_en, c.owner_organisation_id, c.partner_organisation_id, oo.legal_name AS owner_name, po.legal_name AS partner_name,
  p.type AS profile_type, p.title_it AS profile_title_it, p.title_en AS profile_title_en, c.stage, c.outcome, c.outcome_at, c.created_at, c.updated_at`;
const collaborationFrom = `collaboration c JOIN cluster cl ON cl.id = c.cluster_id JOIN profile p ON p.id = c.profile_id
  JOIN organisation oo ON oo.id = c.owner_organisation_id JOIN organisation po ON po.id = c.partner_organisation_id`;

export async function selectCollaboration(db: Db, id: string, lock = false): Promise<CollaborationRow | undefined> {
  const [row] = await db.query<CollaborationRow>(`SELECT ${collaborationColumns} FROM ${collaborationFrom} WHERE c.id = $1${lock ? ' FOR UPDATE OF c' : ''}`, [
    id,
  ]);
  return row;
}

/** Collaborations of the reader's organisations or of the clusters they staff (null: every cluster), optionally of one cluster. */
export async function selectCollaborations(
  db: Db,
  v: { orgIds: string[]; staffClusterIds: string[] | null; clusterId?: string; stage?: string; outcome?: string; limit: number; offset: number },
) {
  const rows = await db.query<CollaborationRow & { total: number }>(
    `SELECT ${collaborationColumns}, count(*) OVER () AS total FROM ${collaborationFrom}
      WHERE (c.owner_organisation_id = ANY($1::uuid[]) OR c.partner_organisation_id = ANY($1::uuid[])
             OR $2::uuid[] IS NULL OR c.cluster_id = ANY($2::uuid[]))
        AND ($3::uuid IS NULL OR c.cluster_id = $3)
        AND ($4::text IS NULL OR c.stage = $4)
        AND ($5::text IS NULL OR ($5 = 'open' AND c.outcome IS NULL) OR c.outcome = $5)
      ORDER BY c.created_at DESC, c.id LIMIT $6 OFFSET $7`,
    [v.orgIds, v.staffClusterIds, v.clusterId ?? null, v.stage ?? null, v.outcome ?? null, v.limit, v.offset],
  );
  return { rows, total: rows[0]?.total ?? 0 };
}

export async function updateCollaborationRow(db: Db, id: string, v: { stage: string; outcome: string | null; outcomeChanged: boolean }) {
  await db.query(
    `UPDATE collaboration SET stage = $2, outcome = $3, outcome_at = CASE WHEN $4 THEN now() ELSE outcome_at END, updated_at = now() WHERE id = $1`,
    [id, v.stage, v.outcome, v.outcomeChanged],
  );
}

export type EventRow = { stage: string | null; outcome: string | null; note: string | null; actor_name: string | null; at: Date };

export async function selectEvents(db: Db, collaborationId: string): Promise<EventRow[]> {
  return db.query<EventRow>(
    `SELECT e.stage, e.outcome, e.note, u.name AS actor_name, e.at FROM collaboration_event e LEFT JOIN app_user u ON u.id = e.actor_id
      WHERE e.collaboration_id = $1 ORDER BY e.at, e.id`,
    [collaborationId],
  );
}

export type ClusterRef = { id: string; slug: string; name_it: string; name_en: string };

export async function selectClusterBySlug(db: Db, slug: string): Promise<ClusterRef | undefined> {
  const [row] = await db.query<ClusterRef>('SELECT id, slug, name_it, name_en FROM cluster WHERE slug = $1', [slug]);
  return row;
}

export async function selectClusters(db: Db, ids: string[] | null): Promise<ClusterRef[]> {
  return db.query<ClusterRef>('SELECT id, slug, name_it, name_en FROM cluster WHERE $1::uuid[] IS NULL OR id = ANY($1::uuid[]) ORDER BY name_it', [ids]);
}

/** The report's counts for one cluster (null: every cluster) and a period of days, both ends included (Europe/Rome). */
export async function selectReportCounts(db: Db, v: { clusterId: string | null; from: string; to: string }) {
  const inPeriod = (col: string) => `(${col} AT TIME ZONE 'Europe/Rome')::date BETWEEN $2::date AND $3::date`;
  const params = [v.clusterId, v.from, v.to];
  const count = (sql: string) => db.query<{ key: string; count: number }>(sql, params);
  const stages = await count(
    `SELECT c.stage AS key, count(*)::int AS count FROM collaboration c WHERE ($1::uuid IS NULL OR c.cluster_id = $1) AND ${inPeriod('c.created_at')} GROUP BY 1`,
  );
  const outcomes = await count(
    `SELECT coalesce(c.outcome, 'open') AS key, count(*)::int AS count FROM collaboration c
      WHERE ($1::uuid IS NULL OR c.cluster_id = $1) AND ${inPeriod('c.created_at')} GROUP BY 1`,
  );
  const interests = await count(
    `SELECT i.status AS key, count(*)::int AS count FROM interest i JOIN profile p ON p.id = i.profile_id
      WHERE ($1::uuid IS NULL OR p.cluster_id = $1) AND ${inPeriod('i.created_at')} GROUP BY 1`,
  );
  const declines = await count(
    `SELECT i.decline_reason AS key, count(*)::int AS count FROM interest i JOIN profile p ON p.id = i.profile_id
      WHERE i.status = 'declined' AND ($1::uuid IS NULL OR p.cluster_id = $1) AND ${inPeriod('i.decided_at')} GROUP BY 1`,
  );
  return { stages, outcomes, interests, declines };
}
