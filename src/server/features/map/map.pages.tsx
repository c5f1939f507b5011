import type { FieldErrors } from '../../lib/errors.ts';
import { type PageContext, ErrorSummary, Layout, Select, fieldError, href } from '../../lib/html.tsx';
import { categories } from '../organisations/organisations.schemas.ts';
import { MAP_HEIGHT, MAP_WIDTH } from './map.geo.ts';
import { DIRECTORY_ACCEPTS_CONCEPT, type MapPageData } from './map.ts';
import type { MapQuery } from './map.schemas.ts';

/** The directory filtered like the map, for one province: /organisations?province=MI&cluster=…&category=…&concept=… */
export function directoryHref(ctx: PageContext, acronym: string, q: MapQuery): string {
  const p = new URLSearchParams({ province: acronym });
  if (q.cluster) p.set('cluster', q.cluster);
  if (q.category) p.set('category', q.category);
  if (q.concept && DIRECTORY_ACCEPTS_CONCEPT) p.set('concept', q.concept);
  return href(ctx, `/organisations?${p}`);
}

/** The concept select: one group per scheme, sub-concepts indented under their parent. */
function ConceptSelect({ ctx, data, errors }: { ctx: PageContext; data: MapPageData; errors?: FieldErrors }) {
  const l = ctx.locale === 'en' ? 'en' : 'it';
  const error = fieldError(ctx, errors, 'concept');
  const value = data.concept?.id ?? '';
  return (
    <div class="select-wrapper mb-4">
      <label for="concept">{ctx.t('map.filter.concept')}</label>
      <select
        id="concept"
        name="concept"
        class={error ? 'is-invalid' : undefined}
        aria-invalid={error ? 'true' : undefined}
        aria-describedby={error ? 'concept-error' : undefined}
      >
        <option value="">{ctx.t('map.filter.conceptAll')}</option>
        {data.conceptGroups.map((g) => (
          <optgroup label={ctx.t(`taxonomy.scheme.${g.scheme}`)}>
            {g.items.map((c) => (
              <option value={c.id} selected={value === c.id}>
                {'\u00a0\u00a0'.repeat(c.depth) + c.label[l]}
              </option>
            ))}
          </optgroup>
        ))}
      </select>
      {error && (
        <div id="concept-error" class="invalid-feedback d-block">
          {error}
        </div>
      )}
    </div>
  );
}

function Swatch({ shade }: { shade: number }) {
  return (
    <svg class="map-swatch" width="18" height="18" viewBox="0 0 18 18" aria-hidden="true" focusable="false">
      <rect class={`map-province map-q${shade}`} x="0.5" y="0.5" width="17" height="17" />
    </svg>
  );
}

export function MapPage({ ctx, data, errors }: { ctx: PageContext; data: MapPageData; errors?: FieldErrors }) {
  const { t } = ctx;
  const q = data.query;
  const conceptLabel = data.concept ? (ctx.locale === 'en' ? data.concept.label.en : data.concept.label.it) : null;
  const clusterLabel = (c: MapPageData['clusters'][number]) => (ctx.locale === 'en' ? c.nameEn : c.nameIt);
  return (
    <Layout ctx={ctx} title={t('map.title')}>
      <h1>{t('map.title')}</h1>
      <p class="lead">{t('map.intro')}</p>
      <ErrorSummary ctx={ctx} errors={errors} />

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
            <ConceptSelect ctx={ctx} data={data} errors={errors} />
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

      {conceptLabel && (
        <div class="callout" data-testid="map-concept">
          <p>{t('map.concept.active', { concept: conceptLabel })}</p>
          {!DIRECTORY_ACCEPTS_CONCEPT && <p class="mb-0">{t('map.concept.directoryNote')}</p>}
        </div>
      )}

      <div class="row">
        <div class="col-lg-7 mb-4">
          {/* A group of links, one per province, each named with its count (links inside role="img" would be
              nested interactive content); the table beside it says the same in rows. */}
          <svg
            class="map-svg"
            viewBox={`0 0 ${MAP_WIDTH} ${MAP_HEIGHT}`}
            role="group"
            aria-labelledby="map-title map-desc"
            data-testid="map-svg"
          >
            <title id="map-title">{t('map.svg.title')}</title>
            <desc id="map-desc">{t('map.svg.desc')}</desc>
            {data.provinces.map((p) =>
              p.shape ? (
                <a
                  href={directoryHref(ctx, p.acronym, q)}
                  data-province={p.acronym}
                  aria-label={`${p.acronym} – ${t('map.svg.province', { province: p.name, members: p.members })}`}
                >
                  <title>{t('map.svg.province', { province: p.name, members: p.members })}</title>
                  <path class={`map-province map-q${p.shade}`} d={p.shape.d} />
                  <text class={`map-label map-label-q${p.shade}`} x={p.shape.labelX} y={p.shape.labelY} aria-hidden="true">
                    {p.acronym}
                  </text>
                </a>
              ) : null,
            )}
          </svg>
          <div class="mt-2">
            <p class="h6 mb-1">{conceptLabel ? t('map.concept.legendTitle', { concept: conceptLabel }) : t('map.legend.title')}</p>
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
              <caption>{conceptLabel ? t('map.concept.caption', { concept: conceptLabel }) : t('map.table.caption')}</caption>
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
          <p data-testid="map-region-members">
            {conceptLabel
              ? t('map.concept.regionMembers', { concept: conceptLabel, count: data.regionMembers })
              : t('map.table.regionMembers', { count: data.regionMembers })}
          </p>
        </div>
      </div>
    </Layout>
  );
}
