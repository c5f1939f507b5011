import type { Db } from '../../db/db.ts';
import { holdsConcept } from '../organisations/organisations.queries.ts';
import { LOMBARDY_REGION_CODE } from '../requirements/requirements.queries.ts';

/**
 * What narrows the members counted on the map. `conceptIds`: a concept and every concept below it in the taxonomy
 * (a sub-stage counts under its stage); only members holding one through a validated, public competence or facility,
 * the same test as the directory's concept filter, so a province's count is the length of the list it links to.
 */
export type ProvinceCountFilters = {
  clusterId?: string;
  category?: string;
  conceptIds?: string[];
};

function params() {
  const list: unknown[] = [];
  return {
    list,
    p: (v: unknown) => {
      list.push(v);
      return `$${list.length}`;
    },
  };
}

/** A member is an organisation with an active membership (of the cluster, when one is given): as in the directory. */
function memberWhere(f: ProvinceCountFilters, p: (v: unknown) => string): string {
  const w = [f.clusterId ? `o.active_cluster_ids @> ARRAY[${p(f.clusterId)}::uuid]` : `o.active_cluster_ids <> '{}'`];
  if (f.category) w.push(`o.category = ${p(f.category)}`);
  if (f.conceptIds) w.push(holdsConcept(p(f.conceptIds)));
  return w.join(' AND ');
}

export type ProvinceCountRow = { acronym: string; name: string; region_code: string; members: number };

/**
 * Members per province of the region, zeros included, over the trigger-kept organisation.province_acronyms
 * (migration 0004). An organisation with seats in two provinces counts in each, as the directory's province filter finds it in each.
 */
export async function selectProvinceCounts(db: Db, f: ProvinceCountFilters, regionCode = LOMBARDY_REGION_CODE): Promise<ProvinceCountRow[]> {
  const { list, p } = params();
  const where = memberWhere(f, p);
  return db.query<ProvinceCountRow>(
    `SELECT pr.acronym, pr.name, pr.region_code, coalesce(c.members, 0)::int AS members
       FROM province pr
       LEFT JOIN (SELECT a.acronym, count(*) AS members
                    FROM organisation o CROSS JOIN LATERAL unnest(o.province_acronyms) AS a(acronym)
                   WHERE ${where}
                   GROUP BY a.acronym) c ON c.acronym = pr.acronym
      WHERE pr.region_code = ${p(regionCode)}
      ORDER BY pr.name`,
    list,
  );
}

/** Members with at least one seat in the region, each counted once. */
export async function countRegionMembers(db: Db, f: ProvinceCountFilters, regionCode = LOMBARDY_REGION_CODE): Promise<number> {
  const { list, p } = params();
  const where = memberWhere(f, p);
  const [row] = await db.query<{ total: number }>(
    `SELECT count(*)::int AS total
       FROM organisation o
      WHERE ${where}
        AND o.province_acronyms && ARRAY(SELECT acronym FROM province WHERE region_code = ${p(regionCode)})`,
    list,
  );
  return row.total;
}

export type ClusterOptionRow = { slug: string; name_it: string; name_en: string };

export async function selectClusterOptions(db: Db): Promise<ClusterOptionRow[]> {
  return db.query<ClusterOptionRow>('SELECT slug, name_it, name_en FROM cluster ORDER BY name_it');
}
