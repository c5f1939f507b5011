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
export async function findClusterFacts(db: Db, by: { id?: string; slug?: string }): Promise<ClusterFacts | undefined> {
  const [row] = await db.query<ClusterFacts>(
    `SELECT c.id, c.slug, c.name_it, c.name_en, c.association_name, c.legal_form, c.legal_personality,
            c.legal_personality_evidence, c.partnership_agreement_signed_on, c.partnership_agreement_reference,
            cap.organisation_id AS capofila_id, o.legal_name AS capofila_name, cap.status = 'active' AS capofila_active
       FROM cluster c
       LEFT JOIN LATERAL (
         SELECT m.organisation_id, m.status FROM membership m
          WHERE m.cluster_id = c.id AND m.role = 'capofila' AND m.status <> 'withdrawn'
          ORDER BY (m.status = 'active') DESC LIMIT 1) cap ON true
       LEFT JOIN organisation o ON o.id = cap.organisation_id
      WHERE ${by.id ? 'c.id = $1' : 'c.slug = $1'}`,
    [by.id ?? by.slug],
  );
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
 * One single-table query serves the four counted requirements (members, research organisation, leader
 * company, seats in Lombardy): it reads the columns of organisation that migration 0004's triggers keep
 * (active and leader clusters, regions of the operational seats). The evidence samples are the first
 * names in alphabetical order.
 */
export async function countMembers(db: Db, clusterId: string, exclude: string[]): Promise<MemberCounts> {
  const member = `o.active_cluster_ids @> ARRAY[$1::uuid] AND NOT (o.id = ANY($2::uuid[]))`;
  const research = `o.category = ANY($3::text[])`;
  const companies = `o.category = ANY($4::text[])`;
  // A leader flag counts only on a company or consortium: the category may have changed since staff set it.
  const leader = `o.leader_cluster_ids @> ARRAY[$1::uuid] AND ${companies}`;
  const lombardy = `$5 = ANY(o.operational_regions)`;
  const outside = `o.operational_regions <> '{}' AND NOT ${lombardy}`;
  const missing = `o.operational_regions = '{}'`;
  const sample = (filter: string) =>
    `(SELECT coalesce(json_agg(json_build_object('id', s.id, 'name', s.legal_name) ORDER BY s.k, s.id), '[]')
        FROM (SELECT o.id, o.legal_name, lower(o.legal_name) AS k FROM organisation o
               WHERE ${member} AND ${filter} ORDER BY lower(o.legal_name), o.id LIMIT ${SAMPLE}) s)`;
  const [row] = await db.query<MemberCounts>(
    `SELECT c.*,
            CASE WHEN c.research > 0 THEN ${sample(research)} ELSE '[]' END AS research_sample,
            CASE WHEN c.leaders > 0 THEN ${sample(leader)} ELSE '[]' END AS leader_sample,
            CASE WHEN c.unstated > 0 THEN ${sample('o.category IS NULL')} ELSE '[]' END AS unstated_sample,
            CASE WHEN c.leaders = 0 AND c.companies > 0 THEN ${sample(companies)} ELSE '[]' END AS company_sample,
            CASE WHEN c.outside > 0 THEN ${sample(outside)} ELSE '[]' END AS outside_sample,
            CASE WHEN c.missing > 0 THEN ${sample(missing)} ELSE '[]' END AS missing_sample
       FROM (SELECT count(*)::int AS active,
                    count(o.category)::int AS stated,
                    count(*) FILTER (WHERE ${research})::int AS research,
                    count(*) FILTER (WHERE ${leader})::int AS leaders,
                    count(*) FILTER (WHERE ${companies})::int AS companies,
                    count(*) FILTER (WHERE o.category IS NULL)::int AS unstated,
                    count(*) FILTER (WHERE ${lombardy})::int AS in_lombardy,
                    count(*) FILTER (WHERE ${outside})::int AS outside,
                    count(*) FILTER (WHERE ${missing})::int AS missing
               FROM organisation o WHERE ${member}) c`,
    [clusterId, exclude, RESEARCH_CATEGORIES, COMPANY_CATEGORIES, LOMBARDY_REGION_CODE],
  );
  return row;
}
