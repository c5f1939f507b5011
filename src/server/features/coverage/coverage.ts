import type { Db } from '../../db/db.ts';
import { type Actor, canManageCluster, managedClusterIds } from '../../lib/auth.ts';
import { NotFoundError, ValidationError } from '../../lib/errors.ts';
import { type Locale, translator } from '../../lib/i18n.ts';
import { categories } from '../organisations/organisations.schemas.ts';
import { LOMBARDY_REGION_CODE } from '../requirements/requirements.queries.ts';
import {
  type CellRow,
  selectCategoryCells,
  selectClusterBySlug,
  selectClusters,
  selectProvinceCells,
  selectProvinces,
  selectStageTotals,
  selectTopStages,
} from './coverage.queries.ts';
import type { CoverageDimension, CoverageFlag, CoverageOut } from './coverage.schemas.ts';

/**
 * Who counts what (documented in the API summary and on the page):
 * - everyone (visitors and signed-in members alike) sees counts over VALIDATED PUBLIC competences;
 * - the staff of the cluster, region officers and platform admins also count validated MEMBERS-ONLY competences,
 *   as they can read those declarations on the competences pages.
 * The cross-cluster matrix (no cluster) is for region officers and platform admins only: anyone else gets
 * 400 asking for a cluster (field code 'required').
 */
export function canSeeAllClusters(actor: Actor | null): boolean {
  return managedClusterIds(actor) === null;
}

export async function getCoverage(
  db: Db,
  actor: Actor | null,
  input: { cluster?: string; by: CoverageDimension; locale: Locale },
): Promise<CoverageOut> {
  const t = translator(input.locale);
  let cluster: { id: string; slug: string; name: string } | null = null;
  if (input.cluster) {
    const row = await selectClusterBySlug(db, input.cluster);
    if (!row) throw new NotFoundError('cluster');
    cluster = { id: row.id, slug: row.slug, name: input.locale === 'en' ? row.name_en : row.name_it };
  } else if (!canSeeAllClusters(actor)) {
    throw new ValidationError({ cluster: 'required' }, 'Choose a cluster: the matrix across clusters is for region officers');
  }
  const membersOnly = cluster ? canManageCluster(actor, cluster.id) || canSeeAllClusters(actor) : true;
  const clusterId = cluster?.id ?? null;
  const [stages, totals, cells] = await Promise.all([
    selectTopStages(db),
    selectStageTotals(db, clusterId, membersOnly),
    input.by === 'province' ? selectProvinceCells(db, clusterId, membersOnly) : selectCategoryCells(db, clusterId, membersOnly),
  ]);

  let columns: { key: string; label: string }[];
  if (input.by === 'province') {
    const provinces = await selectProvinces(db, LOMBARDY_REGION_CODE, [...new Set(cells.map((c) => c.key))]);
    columns = provinces.map((p) => ({ key: p.acronym, label: `${p.name} (${p.acronym})` }));
  } else {
    columns = [...categories, 'not_stated'].map((c) => ({
      key: c,
      label: c === 'not_stated' ? t('coverage.category.not_stated') : t(`organisations.category.${c}`),
    }));
  }

  const byStage = new Map<string, CellRow[]>();
  for (const c of cells) byStage.set(c.root_id, [...(byStage.get(c.root_id) ?? []), c]);
  const totalOf = new Map(totals.map((r) => [r.root_id, r]));
  return {
    cluster: cluster && { slug: cluster.slug, name: cluster.name },
    by: input.by,
    scope: membersOnly ? 'members' : 'public',
    columns,
    stages: stages.map((s) => {
      const total = totalOf.get(s.id)?.total ?? 0;
      const research = totalOf.get(s.id)?.research ?? 0;
      const flags: CoverageFlag[] = [];
      if (total === 0) flags.push('no_member');
      if (total === 1) flags.push('single_member');
      if (research === 0) flags.push('no_research');
      const counts: Record<string, number> = Object.fromEntries(columns.map((c) => [c.key, 0]));
      for (const c of byStage.get(s.id) ?? []) counts[c.key] = c.count;
      return { id: s.id, label: input.locale === 'en' ? s.label_en : s.label_it, total, researchOrganisations: research, flags, cells: counts };
    }),
  };
}

/** The page: the clusters to choose from, and the matrix when one can be shown. */
export async function coveragePageData(db: Db, actor: Actor | null, input: { cluster?: string; by: CoverageDimension; locale: Locale }) {
  const clusters = (await selectClusters(db)).map((c) => ({ slug: c.slug, name: input.locale === 'en' ? c.name_en : c.name_it }));
  const allowAll = canSeeAllClusters(actor);
  const needsCluster = !input.cluster && !allowAll;
  const coverage = needsCluster ? null : await getCoverage(db, actor, input);
  return { clusters, allowAll, coverage, query: { cluster: input.cluster, by: input.by } };
}
export type CoveragePageData = Awaited<ReturnType<typeof coveragePageData>>;
