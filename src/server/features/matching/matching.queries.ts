import type { Db } from '../../db/db.ts';

export type ProfileRow = {
  id: string;
  cluster_id: string;
  organisation_id: string;
  type: string;
  status: string;
  title_it: string | null;
  title_en: string | null;
  summary_it: string | null;
  summary_en: string | null;
  description_it: string | null;
  description_en: string | null;
  innovation_it: string | null;
  innovation_en: string | null;
  partner_sought: string | null;
  concept_ids: string[];
  owner_category: string | null;
};

export async function selectProfile(db: Db, id: string): Promise<ProfileRow | undefined> {
  const [row] = await db.query<ProfileRow>(
    `SELECT p.id, p.cluster_id, p.organisation_id, p.type, p.status, p.title_it, p.title_en, p.summary_it, p.summary_en,
            p.description_it, p.description_en, p.innovation_it, p.innovation_en, p.partner_sought, p.concept_ids,
            o.category AS owner_category
       FROM profile p JOIN organisation o ON o.id = p.organisation_id WHERE p.id = $1`,
    [id],
  );
  return row;
}

/** Profiles of these organisations (any status): a reader's own offers are never suggested to them. */
export async function selectProfileIdsOf(db: Db, organisationIds: string[]): Promise<string[]> {
  if (organisationIds.length === 0) return [];
  const rows = await db.query<{ id: string }>('SELECT id FROM profile WHERE organisation_id = ANY($1::uuid[])', [organisationIds]);
  return rows.map((r) => r.id);
}

export type ProfileCardRow = {
  id: string;
  type: string;
  title_it: string | null;
  title_en: string | null;
  summary_it: string | null;
  summary_en: string | null;
  published_at: Date | string | null;
  concept_ids: string[];
  /** null when the profile is anonymous: the owner never leaves the database for it */
  owner_id: string | null;
  owner_name: string | null;
};

/** Published profiles only (a document may lag behind a closure by one transaction). */
export async function selectProfileCards(db: Db, ids: string[]): Promise<ProfileCardRow[]> {
  if (ids.length === 0) return [];
  return db.query<ProfileCardRow>(
    `SELECT p.id, p.type, p.title_it, p.title_en, p.summary_it, p.summary_en, p.published_at, p.concept_ids,
            CASE WHEN p.anonymous THEN NULL ELSE o.id END AS owner_id,
            CASE WHEN p.anonymous THEN NULL ELSE o.legal_name END AS owner_name
       FROM profile p JOIN organisation o ON o.id = p.organisation_id
      WHERE p.id = ANY($1::uuid[]) AND p.status = 'published'`,
    [ids],
  );
}

export type OrganisationForMatching = {
  id: string;
  legal_name: string;
  category: string | null;
  description_it: string | null;
  description_en: string | null;
  active_cluster_ids: string[];
  text_it: string | null;
  text_en: string | null;
  concept_ids: string[];
};

/**
 * What an organisation brings to matchmaking, as search builds its document (search.queries.ts
 * rebuildOrganisationDocuments): description and validated competences (labels in both languages, description,
 * evidence). Members-only competences count too: they only shape the query, the reader is the organisation itself.
 */
export async function selectOrganisationForMatching(db: Db, id: string): Promise<OrganisationForMatching | undefined> {
  const [row] = await db.query<OrganisationForMatching>(
    `SELECT o.id, o.legal_name, o.category, o.description_it, o.description_en, o.active_cluster_ids,
            (SELECT string_agg(concat_ws(' ', ce.label_it, c.description, c.evidence), ' ')
               FROM organisation_competence c JOIN concept_effective ce ON ce.id = c.concept_id
              WHERE c.organisation_id = o.id AND c.status = 'validated') AS text_it,
            (SELECT string_agg(ce.label_en, ' ')
               FROM organisation_competence c JOIN concept_effective ce ON ce.id = c.concept_id
              WHERE c.organisation_id = o.id AND c.status = 'validated') AS text_en,
            coalesce((SELECT array_agg(DISTINCT c.concept_id ORDER BY c.concept_id) FROM organisation_competence c
                       WHERE c.organisation_id = o.id AND c.status = 'validated'), '{}') AS concept_ids
       FROM organisation o WHERE o.id = $1`,
    [id],
  );
  return row;
}

/** Validated stage competences of organisations: enough to tell a supplier from a producer. */
export async function selectStageConcepts(db: Db, organisationIds: string[]): Promise<{ organisation_id: string; concept_id: string }[]> {
  if (organisationIds.length === 0) return [];
  return db.query(
    `SELECT organisation_id, concept_id FROM organisation_competence
      WHERE organisation_id = ANY($1::uuid[]) AND status = 'validated' AND visibility = 'public' AND concept_id LIKE 'stage.%'`,
    [organisationIds],
  );
}

export async function selectConceptLabels(db: Db, ids: string[]) {
  if (ids.length === 0) return [];
  return db.query<{ id: string; label_it: string; label_en: string; retired: boolean }>(
    'SELECT id, label_it, label_en, retired FROM concept_effective WHERE id = ANY($1::text[])',
    [ids],
  );
}

export async function selectConceptChoices(db: Db) {
  return db.query<{ id: string; scheme: string; label_it: string; label_en: string }>(
    `SELECT id, scheme, label_it, label_en FROM concept_effective
      WHERE NOT retired AND scheme IN ('stage', 'technology', 'product') ORDER BY scheme, position, id`,
  );
}

export async function selectOrganisationNames(db: Db, ids: string[]) {
  if (ids.length === 0) return [];
  return db.query<{ id: string; legal_name: string }>('SELECT id, legal_name FROM organisation WHERE id = ANY($1::uuid[]) ORDER BY legal_name', [ids]);
}

/** Active clusters of the organisations (membership status active). */
export async function selectActiveClusters(db: Db, organisationIds: string[]): Promise<string[]> {
  if (organisationIds.length === 0) return [];
  const rows = await db.query<{ id: string }>(
    'SELECT DISTINCT unnest(active_cluster_ids)::text AS id FROM organisation WHERE id = ANY($1::uuid[])',
    [organisationIds],
  );
  return rows.map((r) => r.id);
}

// ---- saved searches

export type SavedSearchRow = {
  id: string;
  user_id: string;
  name: string;
  query: string;
  filters: { profileTypes?: string[]; conceptIds?: string[]; allClusters?: boolean };
  frequency: 'immediate' | 'daily' | 'weekly';
  locale: 'it' | 'en';
  last_checked_at: Date | string;
  created_at: Date | string;
};

const savedColumns = 'id, user_id, name, query, filters, frequency, locale, last_checked_at, created_at';

export async function insertSavedSearch(
  db: Db,
  s: { userId: string; name: string; query: string; filters: SavedSearchRow['filters']; frequency: string; locale: string },
): Promise<SavedSearchRow> {
  const [row] = await db.query<SavedSearchRow>(
    `INSERT INTO saved_search (user_id, name, query, filters, frequency, locale) VALUES ($1, $2, $3, $4, $5, $6) RETURNING ${savedColumns}`,
    [s.userId, s.name, s.query, JSON.stringify(s.filters), s.frequency, s.locale],
  );
  return row;
}

export async function selectSavedSearches(db: Db, userId: string): Promise<SavedSearchRow[]> {
  return db.query<SavedSearchRow>(`SELECT ${savedColumns} FROM saved_search WHERE user_id = $1 ORDER BY created_at DESC, id`, [userId]);
}

export async function countSavedSearches(db: Db, userId: string): Promise<number> {
  const [row] = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM saved_search WHERE user_id = $1', [userId]);
  return row.n;
}

export async function selectSavedSearch(db: Db, id: string): Promise<SavedSearchRow | undefined> {
  const [row] = await db.query<SavedSearchRow>(`SELECT ${savedColumns} FROM saved_search WHERE id = $1`, [id]);
  return row;
}

export async function deleteSavedSearchRow(db: Db, id: string): Promise<void> {
  await db.query('DELETE FROM saved_search WHERE id = $1', [id]);
}

/** Saved searches whose digest is due at $1: immediate every run, daily after a day, weekly after a week. */
export async function selectDueSavedSearches(db: Db, at: string, limit: number): Promise<(SavedSearchRow & { checked_text: string })[]> {
  return db.query<SavedSearchRow & { checked_text: string }>(
    `SELECT ${savedColumns}, last_checked_at::text AS checked_text FROM saved_search
      WHERE (frequency = 'immediate' AND last_checked_at < $1::timestamptz)
         OR (frequency = 'daily' AND last_checked_at <= $1::timestamptz - interval '1 day')
         OR (frequency = 'weekly' AND last_checked_at <= $1::timestamptz - interval '7 days')
      ORDER BY last_checked_at, id LIMIT $2`,
    [at, limit],
  );
}

/**
 * Claims a due search for this run: only if nobody moved it since it was read (another worker, a retry). Times travel
 * as PostgreSQL text, which keeps their microseconds (a JavaScript Date would round them to milliseconds).
 */
export async function claimSavedSearch(db: Db, id: string, seenCheckedAt: string): Promise<boolean> {
  const rows = await db.query(
    'SELECT id FROM saved_search WHERE id = $1 AND last_checked_at = $2::timestamptz FOR UPDATE SKIP LOCKED',
    [id, seenCheckedAt],
  );
  return rows.length > 0;
}

export async function setLastChecked(db: Db, id: string, at: string): Promise<void> {
  // never backwards: a profile announced up to the previous check must not come round again
  await db.query('UPDATE saved_search SET last_checked_at = greatest(last_checked_at, $2::timestamptz) WHERE id = $1', [id, at]);
}

/**
 * The digest's clock: `now` decides which searches are due; `until` is how far they are checked. A profile is
 * dated by the start of the transaction that publishes it, so a transaction still running may yet commit one dated
 * before now: the check stops just before the start of the oldest transaction still open in this database by the
 * app's own role (client sessions only: not autovacuum, not a backup run as another role; now when there is none, as
 * always on PGlite), and the next run takes it from there. Publishing takes milliseconds, so a transaction open
 * longer than DIGEST_MAX_LAG (a forgotten psql session) holds the digests back by that much at most, never for ever.
 */
const DIGEST_MAX_LAG = '10 minutes';

export async function digestClock(db: Db): Promise<{ now: string; until: string }> {
  const [row] = await db.query<{ now: string; until: string }>(
    `SELECT now()::text AS now,
            least(now(), greatest(now() - interval '${DIGEST_MAX_LAG}', coalesce(
              (SELECT min(xact_start) - interval '1 microsecond' FROM pg_stat_activity
                WHERE datname = current_database() AND usename = current_user AND backend_type = 'client backend'
                  AND pid <> pg_backend_pid() AND xact_start IS NOT NULL),
              now())))::text AS until`,
  );
  return row;
}

/** Of these profiles, those still published that were published in (after, until]. */
export async function selectFreshProfileIds(db: Db, ids: string[], after: string, until: string): Promise<string[]> {
  if (ids.length === 0) return [];
  const rows = await db.query<{ id: string }>(
    `SELECT id FROM profile WHERE id = ANY($1::uuid[]) AND status = 'published'
        AND published_at > $2::timestamptz AND published_at <= $3::timestamptz`,
    [ids, after, until],
  );
  return rows.map((r) => r.id);
}

export type SearcherRow = { id: string; email: string; disabled: boolean; roles: { role: string; clusterId: string | null; organisationId: string | null }[] };

export async function selectSearcher(db: Db, userId: string): Promise<SearcherRow | undefined> {
  const [row] = await db.query<SearcherRow>(
    `SELECT u.id, u.email, u.disabled_at IS NOT NULL AS disabled,
            coalesce((SELECT json_agg(json_build_object('role', r.role, 'clusterId', r.cluster_id, 'organisationId', r.organisation_id))
                        FROM user_role r WHERE r.user_id = u.id), '[]') AS roles
       FROM app_user u WHERE u.id = $1`,
    [userId],
  );
  return row;
}

// ---- the digest job

/** Pending digest runs other than those already due (the one running now is due). */
export async function countFutureDigestJobs(db: Db, kind: string): Promise<number> {
  const [row] = await db.query<{ n: number }>(
    'SELECT count(*)::int AS n FROM job WHERE kind = $1 AND done_at IS NULL AND failed_at IS NULL AND run_at > now()',
    [kind],
  );
  return row.n;
}

export async function countPendingDigestJobs(db: Db, kind: string): Promise<number> {
  const [row] = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM job WHERE kind = $1 AND done_at IS NULL AND failed_at IS NULL', [kind]);
  return row.n;
}

/** Serialises the "is one queued?" check across instances for the rest of the transaction. */
export async function lockDigestQueue(db: Db): Promise<void> {
  await db.query("SELECT pg_advisory_xact_lock(hashtext('matching.digest'))");
}
