import { type PageContext, Layout, Select, href } from '../../lib/html.tsx';
import type { CoveragePageData } from './coverage.ts';

function exportHref(ctx: PageContext, ext: 'csv' | 'xlsx', q: CoveragePageData['query']): string {
  const p = new URLSearchParams({ by: q.by, lang: ctx.locale });
  if (q.cluster) p.set('cluster', q.cluster);
  return `/api/v1/coverage.${ext}?${p}`;
}

export function CoveragePage({ ctx, data }: { ctx: PageContext; data: CoveragePageData }) {
  const { t } = ctx;
  const c = data.coverage;
  const empty = c !== null && c.stages.every((s) => s.total === 0);
  return (
    <Layout ctx={ctx} title={t('coverage.title')}>
      <h1>{t('coverage.title')}</h1>
      <p class="lead">{t('coverage.intro')}</p>

      <form method="get" action={href(ctx, '/coverage')} class="mb-4" data-testid="coverage-filters">
        <fieldset>
          <legend class="h5">{t('coverage.filter.legend')}</legend>
          <div class="form-inline-filters">
            <Select
              ctx={ctx}
              name="cluster"
              label={t('coverage.filter.cluster')}
              value={data.query.cluster}
              emptyLabel={data.allowAll ? t('coverage.filter.all') : t('coverage.filter.choose')}
              options={data.clusters.map((cl) => ({ value: cl.slug, label: cl.name }))}
            />
            <Select
              ctx={ctx}
              name="by"
              label={t('coverage.filter.by')}
              value={data.query.by}
              options={[
                { value: 'province', label: t('coverage.by.province') },
                { value: 'category', label: t('coverage.by.category') },
              ]}
            />
            <div class="mb-4">
              <button type="submit" class="btn btn-primary">
                {t('coverage.filter.submit')}
              </button>
            </div>
          </div>
        </fieldset>
      </form>

      {c === null && (
        <div class="alert alert-info" role="status" data-testid="coverage-choose">
          {t('coverage.choose_cluster')}
        </div>
      )}

      {c !== null && (
        <>
          <p data-testid="coverage-scope">{t(c.scope === 'members' ? 'coverage.scope.members' : 'coverage.scope.public')}</p>
          {empty && (
            <div class="alert alert-info" role="status" data-testid="coverage-empty">
              <p class="mb-1">{t('coverage.empty.title')}</p>
              <p class="mb-0">{t('coverage.empty.body')}</p>
            </div>
          )}
          <p>
            <a class="btn btn-outline-primary me-2" href={exportHref(ctx, 'csv', data.query)} download>
              {t('coverage.export.csv')}
            </a>
            <a class="btn btn-outline-primary" href={exportHref(ctx, 'xlsx', data.query)} download>
              {t('coverage.export.xlsx')}
            </a>
          </p>

          <section aria-labelledby="coverage-legend-title" class="mb-3" data-testid="coverage-legend">
            <h2 id="coverage-legend-title" class="h5">
              {t('coverage.legend.title')}
            </h2>
            <ul>
              <li>
                <span class="badge bg-danger me-1">{t('coverage.flag.no_member')}</span> {t('coverage.legend.no_member')}
              </li>
              <li>
                <span class="badge bg-warning text-dark me-1">{t('coverage.flag.single_member')}</span> {t('coverage.legend.single_member')}
              </li>
              <li>
                <span class="badge bg-secondary me-1">{t('coverage.flag.no_research')}</span> {t('coverage.legend.no_research')}
              </li>
            </ul>
          </section>

          <div class="table-responsive">
            <table class="table table-sm table-bordered" data-testid="coverage-table">
              <caption>
                {t(c.by === 'province' ? 'coverage.caption.province' : 'coverage.caption.category', {
                  cluster: c.cluster?.name ?? t('coverage.filter.all'),
                })}
              </caption>
              <thead>
                <tr>
                  <th scope="col">{t('coverage.table.stage')}</th>
                  {c.columns.map((col) => (
                    <th scope="col">{col.label}</th>
                  ))}
                  <th scope="col">{t('coverage.table.total')}</th>
                  <th scope="col">{t('coverage.table.research')}</th>
                  <th scope="col">{t('coverage.table.flags')}</th>
                </tr>
              </thead>
              <tbody>
                {c.stages.map((s) => (
                  <tr
                    data-stage={s.id}
                    data-flags={s.flags.join(' ')}
                    class={s.flags.includes('no_member') ? 'table-danger' : s.flags.includes('single_member') ? 'table-warning' : undefined}
                  >
                    <th scope="row">{s.label}</th>
                    {c.columns.map((col) => (
                      <td class={s.cells[col.key] ? undefined : 'text-muted'}>{s.cells[col.key] ?? 0}</td>
                    ))}
                    <td>
                      <strong>{s.total}</strong>
                    </td>
                    <td class={s.flags.includes('no_research') ? 'table-secondary' : undefined}>{s.researchOrganisations}</td>
                    <td>
                      {s.flags.length === 0
                        ? '—'
                        : s.flags.map((f) => (
                            <span
                              class={`badge me-1 ${f === 'no_member' ? 'bg-danger' : f === 'single_member' ? 'bg-warning text-dark' : 'bg-secondary'}`}
                            >
                              {t(`coverage.flag.${f}`)}
                            </span>
                          ))}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </Layout>
  );
}
