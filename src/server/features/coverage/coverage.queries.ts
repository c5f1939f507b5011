import type { Db } from '../../db/db.ts';

/** Research organisations for the "no research organisation" flag. */
export const RESEARCH_CATEGORIES = ['university', 'research_institute', 'irccs'];

export type StageRow = { id: string; label_it: string; label_en: string };

/** The top-level stages of the value chain, in taxonomy order. */
export async function selectTopStages(db: Db): Promise<StageRow[]> {
  return db.query<StageRow>(
    `SELECT id, label_it, label_en FROM concept_effective
      WHERE scheme = 'stage' AND parent_id IS NULL AND NOT retired ORDER BY position, id`,
  );
}

/**
 * Member organisations (active membership of the cluster, or of any cluster when $1 is null) with at least one
 * validated competence on a stage or one of its descendants, rolled up to the top-level stage once (recursive CTE).
 * $2 true also counts members-only competences. One row per (top stage, organisation).
 */
const stageMembers = `
  WITH RECURSIVE stage_root AS (
    SELECT c.id, c.id AS root_id FROM concept c WHERE c.scheme = 'stage' AND c.parent_id IS NULL AND NOT c.retired
    UNION ALL
    SELECT c.id, s.root_id FROM concept c JOIN stage_root s ON c.parent_id = s.id
  ),
  sm AS (
    SELECT DISTINCT s.root_id, o.id AS organisation_id, o.category, o.province_acronyms
      FROM organisation_competence oc
      JOIN stage_root s ON s.id = oc.concept_id
      JOIN organisation o ON o.id = oc.organisation_id
     WHERE oc.status = 'validated'
       AND (oc.visibility = 'public' OR $2::boolean)
       AND CASE WHEN $1::uuid IS NULL THEN o.active_cluster_ids <> '{}' ELSE o.active_cluster_ids @> ARRAY[$1::uuid] END
  )`;

export type StageTotalRow = { root_id: string; total: number; research: number };

export async function selectStageTotals(db: Db, clusterId: string | null, includeMembersOnly: boolean): Promise<StageTotalRow[]> {
  return db.query<StageTotalRow>(
    `${stageMembers}
     SELECT root_id, count(*)::int AS total, count(*) FILTER (WHERE category = ANY($3::text[]))::int AS research
       FROM sm GROUP BY root_id`,
    [clusterId, includeMembersOnly, RESEARCH_CATEGORIES],
  );
}

export type CellRow = { root_id: string; key: string; count: number };

/** Counts per (top stage, province acronym): an organisation with seats in two provinces counts in each. */
export async function selectProvinceCells(db: Db, clusterId: string | null, includeMembersOnly: boolean): Promise<CellRow[]> {
  return db.query<CellRow>(
    `${stageMembers}
     SELECT sm.root_id, a.acronym AS key, count(*)::int AS count
       FROM sm CROSS JOIN LATERAL unnest(sm.province_acronyms) AS a(acronym)
      GROUP BY sm.root_id, a.acronym`,
    [clusterId, includeMembersOnly],
  );
}

/** Counts per (top stage, category); a category not stated is the key 'not_stated'. */
export async function selectCategoryCells(db: Db, clusterId: string | null, includeMembersOnly: boolean): Promise<CellRow[]> {
  return db.query<CellRow>(
    `${stageMembers}
     SELECT root_id, coalesce(category, 'not_stated') AS key, count(*)::int AS count
       FROM sm GROUP BY root_id, coalesce(category, 'not_stated')`,
    [clusterId, includeMembersOnly],
  );
}

export type ProvinceRow = { acronym: string; name: string };

/** The provinces of the region, plus any other province where a counted member has a seat. */
export async function selectProvinces(db: Db, regionCode: string, extra: string[]): Promise<ProvinceRow[]> {
  return db.query<ProvinceRow>(
    `SELECT acronym, name FROM province WHERE region_code = $1 OR acronym = ANY($2::text[])
      ORDER BY region_code <> $1, name`,
    [regionCode, extra],
  );
}

export type ClusterRow = { id: string; slug: string; name_it: string; name_en: string };

export async function selectClusterBySlug(db: Db, slug: string): Promise<ClusterRow | undefined> {
  const [row] = await db.query<ClusterRow>('SELECT id, slug, name_it, name_en FROM cluster WHERE slug = $1', [slug]);
  return row;
}

export async function selectClusters(db: Db): Promise<ClusterRow[]> {
  return db.query<ClusterRow>('SELECT id, slug, name_it, name_en FROM cluster ORDER BY name_it');
}
