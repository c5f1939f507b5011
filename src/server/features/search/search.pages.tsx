import { Input, Layout, type PageContext, Pagination, href } from '../../lib/html.tsx';
import type { SearchOut, SearchQuery } from './search.schemas.ts';

const facetKeys = ['stage', 'technology', 'product', 'province', 'category', 'sizeClass'] as const;
type FacetKey = (typeof facetKeys)[number];

function searchHref(ctx: PageContext, query: SearchQuery, change: Partial<Record<FacetKey | 'page', string | undefined>>): string {
  const p = new URLSearchParams();
  const merged: Record<string, unknown> = { ...query, lang: undefined, page: undefined, ...change };
  for (const [k, v] of Object.entries(merged)) if (v !== undefined && v !== null && v !== '') p.set(k, String(v));
  return href(ctx, `/search?${p}`);
}

function facetLabel(ctx: PageContext, key: FacetKey, v: { id: string; label: string }): string {
  if (key === 'category') return ctx.t(`organisations.category.${v.id}`);
  if (key === 'sizeClass') return ctx.t(`organisations.size.${v.id}`);
  return v.label;
}

export function SearchPage({ ctx, query, data, filterUnknown }: { ctx: PageContext; query: SearchQuery; data: SearchOut; filterUnknown?: boolean }) {
  const t = ctx.t;
  const q = query.q ?? '';
  const active = facetKeys.filter((k) => query[k]);
  return (
    <Layout ctx={ctx} title={t('search.title')}>
      <h1>{t('search.title')}</h1>
      <p class="lead">{t('search.intro')}</p>
      {filterUnknown && (
        <div class="alert alert-warning" role="status" data-notice="filter-unknown">
          {t('search.filterUnknown')}
        </div>
      )}
      <form method="get" action={href(ctx, '/search')} role="search" class="mb-4">
        <Input ctx={ctx} name="q" label={t('search.field.q')} value={q} hint={t('search.hint')} />
        {facetKeys.map((k) => (query[k] ? <input type="hidden" name={k} value={String(query[k])} /> : null))}
        <button type="submit" class="btn btn-primary">
          {t('common.form.search')}
        </button>
      </form>
      {q === '' ? (
        <div class="callout">
          <div class="callout-title">{t('search.empty.title')}</div>
          <p>{t('search.empty.noQuery')}</p>
        </div>
      ) : (
        <div class="row">
          <aside class="col-lg-4" aria-label={t('search.facets')}>
            {(active.length > 0 || facetKeys.some((k) => data.facets[k].length > 0)) && <h2 class="h4">{t('search.facets')}</h2>}
            {active.length > 0 && (
              <ul class="list-unstyled">
                {active.map((k) => (
                  <li>
                    <a href={searchHref(ctx, query, { [k]: undefined })}>{t('search.removeFilter', { name: t(`search.facet.${k}`), value: String(query[k]) })}</a>
                  </li>
                ))}
              </ul>
            )}
            {facetKeys.map((k) =>
              data.facets[k].length === 0 ? null : (
                <section>
                  <h3 class="h6">{t(`search.facet.${k}`)}</h3>
                  <ul class="list-unstyled">
                    {data.facets[k].slice(0, 15).map((v) => (
                      <li>
                        {query[k] === v.id ? (
                          <strong>{facetLabel(ctx, k, v)}</strong>
                        ) : (
                          <a href={searchHref(ctx, query, { [k]: v.id })}>{facetLabel(ctx, k, v)}</a>
                        )}{' '}
                        <span class="badge bg-secondary">{v.count}</span>
                      </li>
                    ))}
                  </ul>
                </section>
              ),
            )}
          </aside>
          <div class="col-lg-8">
            <p aria-live="polite">{t('search.total', { count: String(data.total) })}</p>
            {data.items.length === 0 ? (
              <div class="callout">
                <div class="callout-title">{t('search.empty.title')}</div>
                <p>{t('search.empty.noResults', { q })}</p>
                <p class="mb-0">{t('search.empty.whereFrom')}</p>
              </div>
            ) : (
              <ol class="list-unstyled">
                {data.items.map((item) => (
                  <li class="mb-4">
                    <h2 class="h5">
                      <a href={href(ctx, `/organisations/${item.organisation.id}`)}>{item.organisation.name}</a>
                    </h2>
                    <p class="mb-1">
                      {item.organisation.category ? t(`organisations.category.${item.organisation.category}`) : ''}
                      {item.organisation.provinces.length > 0 ? ` · ${item.organisation.provinces.join(', ')}` : ''}
                    </p>
                    <p class="mb-1">
                      <a href={href(ctx, `/organisations/${item.organisation.id}/competences`)}>{t('search.competences')}</a>
                    </p>
                    <div class="small">
                      <strong>{t('search.why')}</strong>{' '}
                      {item.why.concepts.length > 0 && (
                        <span>
                          {t('search.why.concepts')} {item.why.concepts.map((c) => c.label).join(', ')}.{' '}
                        </span>
                      )}
                      {item.why.words.length > 0 && (
                        <span>
                          {t('search.why.words')} {item.why.words.map((w) => `«${w}»`).join(', ')}.
                        </span>
                      )}
                    </div>
                  </li>
                ))}
              </ol>
            )}
            <Pagination
              ctx={ctx}
              page={data.page}
              pages={Math.max(1, Math.ceil(data.total / data.pageSize))}
              baseHref={(p) => searchHref(ctx, query, { page: String(p) })}
            />
          </div>
        </div>
      )}
    </Layout>
  );
}
