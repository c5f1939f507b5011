import type { Db } from '../../db/db.ts';
import type { Reader } from '../competences/competences.queries.ts';
import type { ProfileData, ProfileStatus, ProfileType } from './marketplace.schemas.ts';

export type ProfileRow = {
  id: string;
  cluster_id: string;
  organisation_id: string;
  type: ProfileType;
  title_it: string | null;
  title_en: string | null;
  summary_it: string | null;
  summary_en: string | null;
  description_it: string | null;
  description_en: string | null;
  innovation_it: string | null;
  innovation_en: string | null;
  development_stage: ProfileData['developmentStage'];
  trl: number | null;
  ipr_status: ProfileData['iprStatus'];
  ipr_comment: string | null;
  partnership_types: ProfileData['partnershipTypes'];
  partner_categories: string[];
  partner_sought: string | null;
  concept_ids: string[];
  ateco_codes: string[];
  deadline: string | null;
  valid_until: string | null;
  anonymous: boolean;
  status: ProfileStatus;
  return_reason: string | null;
  submitted_at: Date | null;
  published_at: Date | null;
  closed_at: Date | null;
  updated_at: Date;
  organisation_name: string;
  organisation_category: string | null;
  organisation_size_class: string | null;
  organisation_provinces: string[];
  cluster_slug: string;
  cluster_name_it: string;
  cluster_name_en: string;
  concepts: { id: string; it: string; en: string }[] | null;
};

const columns = `p.id, p.cluster_id, p.organisation_id, p.type, p.title_it, p.title_en, p.summary_it, p.summary_en, p.description_it,
  p.description_en, p.innovation_it, p.innovation_en, p.development_stage, p.trl, p.ipr_status, p.ipr_comment, p.partnership_types,
  p.partner_categories, p.partner_sought, p.concept_ids, p.ateco_codes, p.deadline, p.valid_until, p.anonymous, p.status,
  p.return_reason, p.submitted_at, p.published_at, p.closed_at, p.updated_at,
  o.legal_name AS organisation_name, o.category AS organisation_category, o.size_class AS organisation_size_class,
  o.province_acronyms AS organisation_provinces, c.slug AS cluster_slug, c.name_it AS cluster_name_it, c.name_en AS cluster_name_en,
  (SELECT json_agg(json_build_object('id', ce.id, 'it', ce.label_it, 'en', ce.label_en) ORDER BY array_position(p.concept_ids, ce.id))
     FROM concept_effective ce WHERE ce.id = ANY(p.concept_ids)) AS concepts`;
const from = 'profile p JOIN organisation o ON o.id = p.organisation_id JOIN cluster c ON c.id = p.cluster_id';

export async function selectProfile(db: Db, id: string, lock = false): Promise<ProfileRow | undefined> {
  const [row] = await db.query<ProfileRow>(`SELECT ${columns} FROM ${from} WHERE p.id = $1${lock ? ' FOR UPDATE OF p' : ''}`, [id]);
  return row;
}

const values = (d: ProfileData) => [
  d.type,
  d.titleIt,
  d.titleEn,
  d.summaryIt,
  d.summaryEn,
  d.descriptionIt,
  d.descriptionEn,
  d.innovationIt,
  d.innovationEn,
  d.developmentStage,
  d.trl,
  d.iprStatus,
  d.iprComment,
  d.partnershipTypes,
  d.partnerCategories,
  d.partnerSought,
  d.conceptIds,
  d.atecoCodes,
  d.deadline,
  d.validUntil,
  d.anonymous,
];

/** The new profile's id; null when the organisation already created one with this creation key (a form sent twice). */
export async function insertProfile(
  db: Db,
  v: { clusterId: string; organisationId: string; userId: string; data: ProfileData; creationKey: string | null },
): Promise<string | null> {
  const [row] = await db.query<{ id: string }>(
    `INSERT INTO profile (type, title_it, title_en, summary_it, summary_en, description_it, description_en, innovation_it, innovation_en,
       development_stage, trl, ipr_status, ipr_comment, partnership_types, partner_categories, partner_sought, concept_ids, ateco_codes,
       deadline, valid_until, anonymous, cluster_id, organisation_id, created_by, creation_key)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $25)
     ON CONFLICT (organisation_id, creation_key) WHERE creation_key IS NOT NULL DO NOTHING
     RETURNING id`,
    [...values(v.data), v.clusterId, v.organisationId, v.userId, v.creationKey],
  );
  return row?.id ?? null;
}

/** The profile an organisation created with this key. */
export async function selectProfileIdByCreationKey(db: Db, organisationId: string, creationKey: string): Promise<string | undefined> {
  const [row] = await db.query<{ id: string }>('SELECT id FROM profile WHERE organisation_id = $1 AND creation_key = $2', [organisationId, creationKey]);
  return row?.id;
}

export async function updateProfileRow(db: Db, id: string, d: ProfileData): Promise<void> {
  await db.query(
    `UPDATE profile SET type = $1, title_it = $2, title_en = $3, summary_it = $4, summary_en = $5, description_it = $6, description_en = $7,
       innovation_it = $8, innovation_en = $9, development_stage = $10, trl = $11, ipr_status = $12, ipr_comment = $13,
       partnership_types = $14, partner_categories = $15, partner_sought = $16, concept_ids = $17, ateco_codes = $18, deadline = $19,
       valid_until = $20, anonymous = $21, updated_at = now()
     WHERE id = $22`,
    [...values(d), id],
  );
}

export async function setSubmitted(db: Db, id: string): Promise<void> {
  await db.query("UPDATE profile SET status = 'submitted', submitted_at = now(), updated_at = now() WHERE id = $1", [id]);
}

/** Published for 12 months from today, or until the shorter validity the owner asked for. */
export async function setPublished(db: Db, id: string, reviewerId: string): Promise<void> {
  await db.query(
    `UPDATE profile SET status = 'published', published_at = now(), reviewed_by = $2, reviewed_at = now(), return_reason = NULL,
       valid_until = CASE WHEN valid_until > current_date AND valid_until <= (current_date + interval '12 months')::date THEN valid_until
                          ELSE (current_date + interval '12 months')::date END,
       reminded_30_at = NULL, reminded_7_at = NULL, updated_at = now()
     WHERE id = $1`,
    [id, reviewerId],
  );
}

export async function setReturned(db: Db, id: string, reviewerId: string, reason: string): Promise<void> {
  await db.query(
    `UPDATE profile SET status = 'returned', return_reason = $3, reviewed_by = $2, reviewed_at = now(), updated_at = now() WHERE id = $1`,
    [id, reviewerId, reason],
  );
}

/** The expressions of interest in a profile still waiting for a decision (table of features/collaborations). */
export async function selectPendingInterests(db: Db, profileId: string): Promise<{ id: string; organisation_id: string }[]> {
  return db.query("SELECT id, organisation_id FROM interest WHERE profile_id = $1 AND status = 'pending' ORDER BY created_at, id", [profileId]);
}

export async function setClosed(db: Db, id: string): Promise<void> {
  await db.query("UPDATE profile SET status = 'closed', closed_at = now(), updated_at = now() WHERE id = $1", [id]);
}

export async function setRenewed(db: Db, id: string): Promise<void> {
  await db.query(
    `UPDATE profile SET status = 'published', valid_until = (current_date + interval '12 months')::date, reminded_30_at = NULL,
       reminded_7_at = NULL, updated_at = now() WHERE id = $1`,
    [id],
  );
}

export async function setExpired(db: Db, id: string): Promise<boolean> {
  const rows = await db.query(
    "UPDATE profile SET status = 'expired', updated_at = now() WHERE id = $1 AND status = 'published' AND valid_until < current_date RETURNING id",
    [id],
  );
  return rows.length > 0;
}

/** The reader sees published profiles, its own organisations' and, as staff, its clusters' (all for the Region). */
const visible = `(p.status = 'published' OR p.organisation_id = ANY($1::uuid[]) OR $2::uuid[] IS NULL OR p.cluster_id = ANY($2::uuid[]))`;

export async function selectProfiles(
  db: Db,
  reader: Reader,
  f: { status: ProfileStatus; type?: string; conceptIds?: string[]; clusterId?: string; limit: number; offset: number },
): Promise<{ rows: ProfileRow[]; total: number }> {
  const rows = await db.query<ProfileRow & { total: number }>(
    `SELECT ${columns}, count(*) OVER () AS total FROM ${from}
      WHERE ${visible} AND p.status = $3 AND ($4::text IS NULL OR p.type = $4) AND ($5::text[] IS NULL OR p.concept_ids && $5::text[])
        AND ($8::uuid IS NULL OR p.cluster_id = $8)
      ORDER BY coalesce(p.published_at, p.updated_at) DESC, p.id LIMIT $6 OFFSET $7`,
    [reader.orgIds, reader.staffClusterIds, f.status, f.type ?? null, f.conceptIds ?? null, f.limit, f.offset, f.clusterId ?? null],
  );
  return { rows, total: rows[0]?.total ?? 0 };
}

/** Every profile of the organisations, whatever its status, latest change first: one page and the total. */
export async function selectOrganisationProfiles(
  db: Db,
  organisationIds: string[],
  p: { limit: number; offset: number },
): Promise<{ rows: ProfileRow[]; total: number }> {
  const rows = await db.query<ProfileRow & { total: number }>(
    `SELECT ${columns}, count(*) OVER () AS total FROM ${from} WHERE p.organisation_id = ANY($1::uuid[])
      ORDER BY p.updated_at DESC, p.id LIMIT $2 OFFSET $3`,
    [organisationIds, p.limit, p.offset],
  );
  return { rows, total: rows[0]?.total ?? (p.offset > 0 ? await countOrganisationProfiles(db, organisationIds) : 0) };
}

async function countOrganisationProfiles(db: Db, organisationIds: string[]): Promise<number> {
  const [row] = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM profile WHERE organisation_id = ANY($1::uuid[])', [organisationIds]);
  return row.n;
}

/** Submitted profiles of the clusters (null: all), oldest first: one page and the total. */
export async function selectQueue(db: Db, clusterIds: string[] | null, p: { limit: number; offset: number }): Promise<{ rows: ProfileRow[]; total: number }> {
  const rows = await db.query<ProfileRow & { total: number }>(
    `SELECT ${columns}, count(*) OVER () AS total FROM ${from} WHERE p.status = 'submitted' AND ($1::uuid[] IS NULL OR p.cluster_id = ANY($1::uuid[]))
      ORDER BY p.submitted_at, p.id LIMIT $2 OFFSET $3`,
    [clusterIds, p.limit, p.offset],
  );
  return { rows, total: rows[0]?.total ?? (p.offset > 0 ? await countQueue(db, clusterIds) : 0) };
}

/** How many submitted profiles of the clusters (null: all) wait: profile_cluster_status_idx answers it. */
export async function countQueue(db: Db, clusterIds: string[] | null): Promise<number> {
  const [row] = await db.query<{ n: number }>(
    "SELECT count(*)::int AS n FROM profile WHERE status = 'submitted' AND ($1::uuid[] IS NULL OR cluster_id = ANY($1::uuid[]))",
    [clusterIds],
  );
  return row.n;
}

export async function selectActiveClusterIds(db: Db, organisationId: string): Promise<string[]> {
  const rows = await db.query<{ cluster_id: string }>(
    "SELECT cluster_id FROM membership WHERE organisation_id = $1 AND status = 'active' ORDER BY cluster_id",
    [organisationId],
  );
  return rows.map((r) => r.cluster_id);
}

export async function hasInterest(db: Db, profileId: string, organisationIds: string[], acceptedOnly: boolean): Promise<boolean> {
  if (!organisationIds.length) return false;
  const rows = await db.query(
    `SELECT 1 FROM interest WHERE profile_id = $1 AND organisation_id = ANY($2::uuid[]) AND ($3::boolean IS FALSE OR status = 'accepted') LIMIT 1`,
    [profileId, organisationIds, acceptedOnly],
  );
  return rows.length > 0;
}

export async function selectUnknownConcepts(db: Db, ids: string[]): Promise<string[]> {
  if (!ids.length) return [];
  const rows = await db.query<{ id: string }>(
    'SELECT q.id FROM unnest($1::text[]) q(id) WHERE NOT EXISTS (SELECT 1 FROM concept c WHERE c.id = q.id AND NOT c.retired)',
    [ids],
  );
  return rows.map((r) => r.id);
}

/** Published profiles whose 30- or 7-day reminder is due, or whose validity has ended; locked so two workers never share one. */
export async function selectDue(db: Db, limit: number, skip: string[] = []): Promise<{ id: string; due: 'expire' | 'remind_7' | 'remind_30' }[]> {
  return db.query(
    `SELECT id, CASE WHEN valid_until < current_date THEN 'expire'
                     WHEN valid_until <= current_date + 7 THEN 'remind_7' ELSE 'remind_30' END AS due
       FROM profile
      WHERE status = 'published' AND valid_until IS NOT NULL AND (
            valid_until < current_date
         OR (valid_until <= current_date + 7 AND reminded_7_at IS NULL)
         OR (valid_until <= current_date + 30 AND valid_until > current_date + 7 AND reminded_30_at IS NULL))
        AND NOT (id = ANY($2::uuid[]))
      ORDER BY valid_until, id LIMIT $1`,
    [limit, skip],
  );
}

/** Marks the reminder as sent, once: false when another worker got there first or the profile changed. */
export async function markReminded(db: Db, id: string, which: 7 | 30): Promise<boolean> {
  const col = which === 7 ? 'reminded_7_at' : 'reminded_30_at';
  const rows = await db.query(
    `UPDATE profile SET ${col} = now() WHERE id = $1 AND status = 'published' AND ${col} IS NULL RETURNING id`,
    [id],
  );
  return rows.length > 0;
}

/** Queues the daily expiry run unless one is already waiting (a running one is locked and does not count). */
export async function ensureJob(db: Db, kind: string, runAt: 'now' | 'tomorrow'): Promise<boolean> {
  const rows = await db.query(
    `INSERT INTO job (kind, payload, run_at)
     SELECT $1, '{}'::jsonb, CASE WHEN $2 = 'now' THEN now() ELSE date_trunc('day', now()) + interval '1 day 2 hours' END
      WHERE NOT EXISTS (SELECT 1 FROM job WHERE kind = $1 AND done_at IS NULL AND failed_at IS NULL AND locked_at IS NULL)
     RETURNING id`,
    [kind, runAt],
  );
  return rows.length > 0;
}

export type PublishOption = { organisation_id: string; organisation_name: string; cluster_id: string; cluster_name_it: string; cluster_name_en: string };

export async function selectPublishOptions(db: Db, organisationIds: string[]): Promise<PublishOption[]> {
  if (!organisationIds.length) return [];
  return db.query<PublishOption>(
    `SELECT o.id AS organisation_id, o.legal_name AS organisation_name, c.id AS cluster_id, c.name_it AS cluster_name_it, c.name_en AS cluster_name_en
       FROM membership m JOIN organisation o ON o.id = m.organisation_id JOIN cluster c ON c.id = m.cluster_id
      WHERE m.organisation_id = ANY($1::uuid[]) AND m.status = 'active' ORDER BY o.legal_name, c.name_it`,
    [organisationIds],
  );
}

export type ClusterOption = { id: string; slug: string; name_it: string; name_en: string };

export async function selectClusters(db: Db): Promise<ClusterOption[]> {
  return db.query<ClusterOption>('SELECT id, slug, name_it, name_en FROM cluster ORDER BY name_it, slug');
}
