import type { Db } from '../../db/db.ts';
import { ValidationError } from '../../lib/errors.ts';
import { getCluster } from '../clusters/clusters.ts';
import { conceptTree } from '../taxonomy/taxonomy.ts';
import { selectConceptSubtree } from '../organisations/organisations.queries.ts';
import { type ProvinceShape, provinceShapes } from './map.geo.ts';
import { type ProvinceCountFilters, countRegionMembers, selectClusterOptions, selectProvinceCounts } from './map.queries.ts';
import type { MapQuery, ProvinceCount } from './map.schemas.ts';

/** Whether the directory accepts a concept filter: it does, so province links carry the concept. */
export const DIRECTORY_ACCEPTS_CONCEPT = true;

export type MapConcept = { id: string; scheme: string; label: { it: string; en: string } };

/** Turns the query into the counts' filters; an unknown cluster is a 404, an unknown concept a 400 on `query.concept`. */
async function resolveFilters(db: Db, q: MapQuery): Promise<{ filters: ProvinceCountFilters; concept: MapConcept | null }> {
  const filters: ProvinceCountFilters = {};
  if (q.cluster) filters.clusterId = (await getCluster(db, q.cluster)).id;
  if (q.category) filters.category = q.category;
  let concept: MapConcept | null = null;
  if (q.concept) {
    const row = await selectConceptSubtree(db, q.concept);
    if (!row) throw new ValidationError({ 'query.concept': 'invalid_value' }, 'Unknown concept');
    filters.conceptIds = row.ids;
    concept = { id: row.id, scheme: row.scheme, label: { it: row.label_it, en: row.label_en } };
  }
  return { filters, concept };
}

/** Members per Lombard province for the filters (all 12 provinces, zeros included). */
export async function listProvinceCounts(db: Db, q: MapQuery): Promise<ProvinceCount[]> {
  const rows = await selectProvinceCounts(db, (await resolveFilters(db, q)).filters);
  return rows.map((r) => ({ acronym: r.acronym, name: r.name, regionCode: r.region_code, members: r.members }));
}

/** Shading classes: 0 is "no members", 1–4 split (0, max] into quarters, so the largest count is always darkest. */
export const SHADE_CLASS_COUNT = 5;

export function shadeClass(members: number, max: number): number {
  if (members <= 0 || max <= 0) return 0;
  return Math.min(4, Math.max(1, Math.ceil((4 * members) / max)));
}

/** The legend: each class with the counts it holds, classes that can hold no whole count left out. */
export function legendClasses(max: number): { shade: number; from: number; to: number }[] {
  const out = [{ shade: 0, from: 0, to: 0 }];
  if (max <= 0) return out;
  for (let k = 1; k <= 4; k++) {
    const from = Math.floor((max * (k - 1)) / 4) + 1;
    const to = Math.floor((max * k) / 4);
    if (from <= to) out.push({ shade: k, from, to });
  }
  return out;
}

export type MapProvince = ProvinceCount & { shade: number; shape: ProvinceShape | undefined };

export type MapPageData = {
  query: MapQuery;
  provinces: MapProvince[];
  legend: ReturnType<typeof legendClasses>;
  regionMembers: number;
  clusters: { slug: string; nameIt: string; nameEn: string }[];
  /** The concept filtered on, if any. */
  concept: MapConcept | null;
  /** The select's choices, grouped by scheme (stages, technologies, product categories), each in tree order. */
  conceptGroups: { scheme: 'stage' | 'technology' | 'product'; items: { id: string; depth: number; label: { it: string; en: string } }[] }[];
};

const conceptSchemes = ['stage', 'technology', 'product'] as const;

export async function getMapPageData(db: Db, q: MapQuery): Promise<MapPageData> {
  const { filters, concept } = await resolveFilters(db, q);
  const [rows, regionMembers, clusters, shapes, tree] = await Promise.all([
    selectProvinceCounts(db, filters),
    countRegionMembers(db, filters),
    selectClusterOptions(db),
    provinceShapes(),
    conceptTree(db),
  ]);
  const max = Math.max(0, ...rows.map((r) => r.members));
  const byAcronym = new Map(shapes.map((s) => [s.acronym, s]));
  return {
    query: q,
    provinces: rows.map((r) => ({
      acronym: r.acronym,
      name: r.name,
      regionCode: r.region_code,
      members: r.members,
      shade: shadeClass(r.members, max),
      shape: byAcronym.get(r.acronym),
    })),
    legend: legendClasses(max),
    regionMembers,
    clusters: clusters.map((c) => ({ slug: c.slug, nameIt: c.name_it, nameEn: c.name_en })),
    concept,
    conceptGroups: conceptSchemes.map((scheme) => ({
      scheme,
      items: tree[scheme].map((c) => ({ id: c.id, depth: c.depth, label: c.label })),
    })),
  };
}
