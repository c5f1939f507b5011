import { type PageContext, Layout, Select, href } from '../../lib/html.tsx';
import { categories } from '../organisations/organisations.schemas.ts';
import { MAP_HEIGHT, MAP_WIDTH } from './map.geo.ts';
import type { MapPageData } from './map.ts';
import type { MapQuery } from './map.schemas.ts';

/** The directory filtered like the map, for one province: /organisations?province=MI&cluster=…&category=… */
export function directoryHref(ctx: PageContext, acronym: string, q: MapQuery): string {
  const p = new URLSearchParams({ province: acronym });
  if (q.cluster) p.set('cluster', q.cluster);
  if (q.category) p.set('category', q.category);
  return href(ctx, `/organisations?${p}`);
}

function Swatch({ shade }: { shade: number }) {
  return (
    <svg class="map-swatch" width="18" height="18" viewBox="0 0 18 18" aria-hidden="true" focusable="false">
      <rect class={`map-province map-q${shade}`} x="0.5" y="0.5" width="17" height="17" />
    </svg>
  );
}

export function MapPage({ ctx, data }: { ctx: PageContext; data: MapPageData }) {
  const { t } = ctx;
  const q = data.query;
  const clusterLabel = (c: MapPageData['clusters'][number]) => (ctx.locale === 'en' ? c.nameEn : c.nameIt);
  return (
    <Layout ctx={ctx} title={t('map.title')}>
      <h1>{t('map.title')}</h1>
      <p class="lead">{t('map.intro')}</p>

      <form method="get" action={href(ctx, '/map')} class="mb-4" data-testid="map-filters">
        <fieldset>
          <legend class="h5">{t('map.filter.legend')}</legend>
          <div class="form-inline-filters">
            <Select
              ctx={ctx}
              name="cluster"
              label={t('map.filter.cluster')}
              value={q.cluster}
              emptyLabel={t('map.filter.all')}
              options={data.clusters.map((c) => ({ value: c.slug, label: clusterLabel(c) }))}
            />
            <Select
              ctx={ctx}
              name="category"
              label={t('map.filter.category')}
              value={q.category}
              emptyLabel={t('map.filter.all')}
              options={categories.map((c) => ({ value: c, label: t(`organisations.category.${c}`) }))}
            />
            <div class="mb-4">
              <button type="submit" class="btn btn-primary me-2">
                {t('map.filter.submit')}
              </button>
              <a class="btn btn-outline-primary" href={href(ctx, '/map')}>
                {t('map.filter.reset')}
              </a>
            </div>
          </div>
        </fieldset>
      </form>

      <div class="row">
        <div class="col-lg-7 mb-4">
          {/* The table beside the map is its accessible equivalent: the image stays out of the tab order. */}
          <svg
            class="map-svg"
            viewBox={`0 0 ${MAP_WIDTH} ${MAP_HEIGHT}`}
            role="img"
            aria-labelledby="map-title map-desc"
            data-testid="map-svg"
          >
            <title id="map-title">{t('map.svg.title')}</title>
            <desc id="map-desc">{t('map.svg.desc')}</desc>
            {data.provinces.map((p) =>
              p.shape ? (
                <a href={directoryHref(ctx, p.acronym, q)} tabIndex={-1} data-province={p.acronym}>
                  <title>{t('map.svg.province', { province: p.name, members: p.members })}</title>
                  <path class={`map-province map-q${p.shade}`} d={p.shape.d} />
                  <text class={`map-label map-label-q${p.shade}`} x={p.shape.labelX} y={p.shape.labelY}>
                    {p.acronym}
                  </text>
                </a>
              ) : null,
            )}
          </svg>
          <div class="mt-2">
            <p class="h6 mb-1">{t('map.legend.title')}</p>
            <ul class="list-inline mb-2" data-testid="map-legend">
              {data.legend.map((l) => (
                <li class="list-inline-item me-3" data-shade={l.shade}>
                  <Swatch shade={l.shade} />{' '}
                  {l.shade === 0
                    ? t('map.legend.none')
                    : l.from === l.to
                      ? t('map.legend.one', { count: l.from })
                      : t('map.legend.range', { from: l.from, to: l.to })}
                </li>
              ))}
            </ul>
            <p class="small text-muted">{t('map.attribution')}</p>
          </div>
        </div>
        <div class="col-lg-5">
          <div class="table-responsive">
            <table class="table table-sm" data-testid="map-table">
              <caption>{t('map.table.caption')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('map.table.province')}</th>
                  <th scope="col" class="text-end">
                    {t('map.table.members')}
                  </th>
                  <th scope="col">{t('map.table.directory')}</th>
                </tr>
              </thead>
              <tbody>
                {data.provinces.map((p) => (
                  <tr data-province={p.acronym}>
                    <th scope="row">
                      {p.name} ({p.acronym})
                    </th>
                    <td class="text-end" data-members={p.members}>
                      {p.members}
                    </td>
                    <td>
                      <a href={directoryHref(ctx, p.acronym, q)}>{t('map.table.open', { province: p.name })}</a>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <p data-testid="map-region-members">{t('map.table.regionMembers', { count: data.regionMembers })}</p>
        </div>
      </div>
    </Layout>
  );
}
