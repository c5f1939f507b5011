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

export async function findClusterFacts(db: Db, by: { id?: string; slug?: string }): Promise<ClusterFacts | undefined> {
  const [row] = await db.query<ClusterFacts>(
    `SELECT c.id, c.slug, c.name_it, c.name_en, c.association_name, c.legal_form, c.legal_personality,
            c.legal_personality_evidence, c.partnership_agreement_signed_on, c.partnership_agreement_reference,
            cap.organisation_id AS capofila_id, o.legal_name AS capofila_name, cap.status = 'active' AS capofila_active
       FROM cluster c
       LEFT JOIN LATERAL (
         SELECT m.organisation_id, m.status FROM membership m
          WHERE m.cluster_id = c.id AND (m.role = 'capofila' OR m.organisation_id = c.capofila_organisation_id)
          ORDER BY (m.status = 'active') DESC, (m.role = 'capofila') DESC LIMIT 1) cap ON true
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
  research_sample: OrgRef[] | null;
  leader_sample: OrgRef[] | null;
  unstated_sample: OrgRef[] | null;
  company_sample: OrgRef[] | null;
};

const sample = (filter: string) =>
  `(array_agg(json_build_object('id', o.id, 'name', o.legal_name) ORDER BY o.legal_name) FILTER (WHERE ${filter}))[1:${SAMPLE}]`;

/** One query serves three requirements: member count, research organisation, leader company. */
export async function countActiveMembers(db: Db, clusterId: string, exclude: string[]): Promise<MemberCounts> {
  const research = `o.category = ANY($3::text[])`;
  const companies = `o.category = ANY($4::text[])`;
  const [row] = await db.query<MemberCounts>(
    `SELECT count(*)::int AS active,
            count(o.category)::int AS stated,
            count(*) FILTER (WHERE ${research})::int AS research,
            count(*) FILTER (WHERE m.is_leader_company)::int AS leaders,
            count(*) FILTER (WHERE ${companies})::int AS companies,
            count(*) FILTER (WHERE o.category IS NULL)::int AS unstated,
            ${sample(research)} AS research_sample,
            ${sample('m.is_leader_company')} AS leader_sample,
            ${sample('o.category IS NULL')} AS unstated_sample,
            ${sample(`${companies} AND NOT m.is_leader_company`)} AS company_sample
       FROM membership m JOIN organisation o ON o.id = m.organisation_id
      WHERE m.cluster_id = $1 AND m.status = 'active' AND NOT (m.organisation_id = ANY($2::uuid[]))`,
    [clusterId, exclude, RESEARCH_CATEGORIES, COMPANY_CATEGORIES],
  );
  return row;
}

export type SeatCounts = {
  in_lombardy: number;
  outside: number;
  missing: number;
  outside_sample: OrgRef[] | null;
  missing_sample: OrgRef[] | null;
};

/** One query: each active member classified by its operational seats. */
export async function countMemberSeats(db: Db, clusterId: string, exclude: string[]): Promise<SeatCounts> {
  const [row] = await db.query<SeatCounts>(
    `SELECT count(*) FILTER (WHERE s.lombardy)::int AS in_lombardy,
            count(*) FILTER (WHERE s.seats > 0 AND NOT s.lombardy)::int AS outside,
            count(*) FILTER (WHERE s.seats = 0)::int AS missing,
            ${sample('s.seats > 0 AND NOT s.lombardy')} AS outside_sample,
            ${sample('s.seats = 0')} AS missing_sample
       FROM membership m
       JOIN organisation o ON o.id = m.organisation_id
       CROSS JOIN LATERAL (
         SELECT count(*) AS seats, coalesce(bool_or(p.region_code = $3), false) AS lombardy
           FROM seat st
           LEFT JOIN municipality mu ON mu.istat_code = st.municipality_code
           LEFT JOIN province p ON p.code = mu.province_code
          WHERE st.organisation_id = m.organisation_id AND st.kind = 'operational') s
      WHERE m.cluster_id = $1 AND m.status = 'active' AND NOT (m.organisation_id = ANY($2::uuid[]))`,
    [clusterId, exclude, LOMBARDY_REGION_CODE],
  );
  return row;
}
