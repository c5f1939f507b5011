import type { Db } from '../../db/db.ts';

export const RESEARCH_CATEGORIES = ['university', 'research_institute', 'irccs'];
export const COMPANY_CATEGORIES = ['company', 'consortium'];
export const LOMBARDY_REGION_CODE = '03';
/** How many organisations an evidence list names; the counts are always complete. */
export const SAMPLE = 12;

export type OrgRef = { id: string; name: string };

export type ClusterFacts = {
  id: string;
  slug: string;
  name_it: string;
  name_en: string;
  association_name: string | null;
  legal_form: string | null;
  legal_personality: boolean | null;
  legal_personality_evidence: string | null;
  partnership_agreement_signed_on: string | null;
  partnership_agreement_reference: string | null;
  capofila_id: string | null;
  capofila_name: string | null;
  capofila_active: boolean | null;
};

/** The capofila is the membership with role 'capofila' (one per cluster, unique index); withdrawn ones do not count. */
const clusterFactsSql = (where: string) =>
  `SELECT c.id, c.slug, c.name_it, c.name_en, c.association_name, c.legal_form, c.legal_personality,
          c.legal_personality_evidence, c.partnership_agreement_signed_on, c.partnership_agreement_reference,
          cap.organisation_id AS capofila_id, o.legal_name AS capofila_name, cap.status = 'active' AS capofila_active
     FROM cluster c
     LEFT JOIN LATERAL (
       SELECT m.organisation_id, m.status FROM membership m
        WHERE m.cluster_id = c.id AND m.role = 'capofila' AND m.status <> 'withdrawn'
        ORDER BY (m.status = 'active') DESC LIMIT 1) cap ON true
     LEFT JOIN organisation o ON o.id = cap.organisation_id
    WHERE ${where}`;

export async function findClusterFacts(db: Db, by: { id?: string; slug?: string }): Promise<ClusterFacts | undefined> {
  const [row] = await db.query<ClusterFacts>(clusterFactsSql(by.id ? 'c.id = $1' : 'c.slug = $1'), [by.id ?? by.slug]);
  return row;
}

export type MemberCounts = {
  active: number;
  stated: number;
  research: number;
  leaders: number;
  companies: number;
  unstated: number;
  in_lombardy: number;
  outside: number;
  missing: number;
  research_sample: OrgRef[];
  leader_sample: OrgRef[];
  unstated_sample: OrgRef[];
  company_sample: OrgRef[];
  outside_sample: OrgRef[];
  missing_sample: OrgRef[];
};

/**
 * One single-table sub-query serves the four counted requirements (members, research organisation, leader
 * company, seats in Lombardy): it reads the columns of organisation that migration 0004's triggers keep
 * (active and leader clusters, regions of the operational seats). The evidence samples are the first
 * names in alphabetical order.
 *
 * Its cost is one pass over the cluster's members, where each condition counted adds about a quarter of the
 * scan's own cost (10k members): the members without a category and the seats outside Lombardy are derived
 * from the other counts (a member has a category or not; a member's operational seats are in Lombardy, outside
 * it or missing), and the excluded members are a condition only when there are some. The pass also collects
 * the ids of the leader companies (a few staff decisions), so their sample reads those rows by key instead of
 * scanning every member again to find them.
 */
const memberCountsSql = (exclude: string[]) => {
  const member = `o.active_cluster_ids @> ARRAY[$1::uuid]${exclude.length ? ' AND NOT (o.id = ANY($5::uuid[]))' : ''}`;
  const research = `o.category = ANY($2::text[])`;
  const companies = `o.category = ANY($3::text[])`;
  // A leader flag counts only on a company or consortium: the category may have changed since staff set it.
  const leader = `${companies} AND o.leader_cluster_ids @> ARRAY[$1::uuid]`;
  const lombardy = `$4 = ANY(o.operational_regions)`;
  const outside = `o.operational_regions <> '{}' AND NOT ${lombardy}`;
  const missing = `o.operational_regions = '{}'`;
  const sample = (where: string) =>
    `(SELECT coalesce(json_agg(json_build_object('id', s.id, 'name', s.legal_name) ORDER BY s.k, s.id), '[]')
        FROM (SELECT o.id, o.legal_name, lower(o.legal_name) AS k FROM organisation o
               WHERE ${where} ORDER BY lower(o.legal_name), o.id LIMIT ${SAMPLE}) s)`;
  return `SELECT c.active, c.stated, c.research, c.leaders, c.companies, c.unstated, c.in_lombardy, c.outside, c.missing,
            CASE WHEN c.research > 0 THEN ${sample(`${member} AND ${research}`)} ELSE '[]' END AS research_sample,
            CASE WHEN c.leaders > 0 THEN ${sample('o.id = ANY(c.leader_ids)')} ELSE '[]' END AS leader_sample,
            CASE WHEN c.unstated > 0 THEN ${sample(`${member} AND o.category IS NULL`)} ELSE '[]' END AS unstated_sample,
            CASE WHEN c.leaders = 0 AND c.companies > 0 THEN ${sample(`${member} AND ${companies}`)} ELSE '[]' END AS company_sample,
            CASE WHEN c.outside > 0 THEN ${sample(`${member} AND ${outside}`)} ELSE '[]' END AS outside_sample,
            CASE WHEN c.missing > 0 THEN ${sample(`${member} AND ${missing}`)} ELSE '[]' END AS missing_sample
       FROM (SELECT n.active, n.stated, n.research, coalesce(cardinality(n.leader_ids), 0) AS leaders, n.leader_ids,
                    n.companies, n.active - n.stated AS unstated,
                    n.in_lombardy, n.active - n.in_lombardy - n.missing AS outside, n.missing
               FROM (SELECT count(*)::int AS active,
                            count(o.category)::int AS stated,
                            count(*) FILTER (WHERE ${research})::int AS research,
                            array_agg(o.id) FILTER (WHERE ${leader}) AS leader_ids,
                            count(*) FILTER (WHERE ${companies})::int AS companies,
                            count(*) FILTER (WHERE ${lombardy})::int AS in_lombardy,
                            count(*) FILTER (WHERE ${missing})::int AS missing
                       FROM organisation o WHERE ${member}) n) c`;
};

/** The cluster's facts and its members' counts in one statement (one round trip, one snapshot); none if no such cluster. */
export async function findClusterWithMemberCounts(
  db: Db,
  clusterId: string,
  exclude: string[],
): Promise<(ClusterFacts & MemberCounts) | undefined> {
  const [row] = await db.query<ClusterFacts & MemberCounts>(
    `SELECT f.*, m.* FROM (${clusterFactsSql('c.id = $1')}) f CROSS JOIN (${memberCountsSql(exclude)}) m`,
    exclude.length
      ? [clusterId, RESEARCH_CATEGORIES, COMPANY_CATEGORIES, LOMBARDY_REGION_CODE, exclude]
      : [clusterId, RESEARCH_CATEGORIES, COMPANY_CATEGORIES, LOMBARDY_REGION_CODE],
  );
  return row;
}
