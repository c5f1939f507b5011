import type { FieldErrors } from '../../lib/errors.ts';
import { CsrfField, ErrorSummary, Input, Layout, type PageContext, Pagination, Select, Textarea, href } from '../../lib/html.tsx';
import { formatDate } from '../../lib/i18n.ts';
import type { AnnexEntry, IngredientDetail, IngredientList, OrganisationIngredient } from './cosing.schemas.ts';

const ingredientHref = (ctx: PageContext, inci: string) => href(ctx, `/cosing/ingredients/${encodeURIComponent(inci)}`);

/** CC BY 4.0 asks for the attribution wherever the data is shown. */
function Attribution({ ctx }: { ctx: PageContext }) {
  return (
    <p class="small text-muted mt-5" data-testid="cosing-attribution">
      {ctx.t('cosing.attribution')}{' '}
      <a href="https://ec.europa.eu/growth/tools-databases/cosing/" hreflang="en" rel="noopener">
        CosIng
      </a>{' '}
      · <a href="https://creativecommons.org/licenses/by/4.0/">CC BY 4.0</a>
    </p>
  );
}

/** Multi-line text from the Annexes, line breaks kept without inline styles. */
function Lines({ text }: { text: string | null }) {
  if (!text) return <>—</>;
  const lines = text.split('\n');
  return (
    <>
      {lines.map((l, i) => (
        <>
          {l}
          {i < lines.length - 1 && <br />}
        </>
      ))}
    </>
  );
}

export function SearchPage({ ctx, q, result }: { ctx: PageContext; q: string; result: IngredientList | null }) {
  const { t } = ctx;
  const pages = result ? Math.max(1, Math.ceil(result.total / result.pageSize)) : 1;
  return (
    <Layout ctx={ctx} title={t('cosing.search.title')} breadcrumb={[{ label: t('common.nav.home'), href: href(ctx, '/') }, { label: t('cosing.search.title') }]}>
      <h1>{t('cosing.search.title')}</h1>
      <p class="lead">{t('cosing.search.lead')}</p>
      <form method="get" action={href(ctx, '/cosing')} role="search" class="mb-4">
        <Input ctx={ctx} name="q" type="search" label={t('cosing.search.label')} value={q} hint={t('cosing.search.hint')} maxLength={200} />
        <button type="submit" class="btn btn-primary">
          {t('cosing.search.submit')}
        </button>
      </form>
      {!result ? (
        <div class="callout" data-testid="cosing-empty">
          <p>{t('cosing.search.empty')}</p>
          <ul>
            <li>{t('cosing.search.exampleName')}</li>
            <li>{t('cosing.search.exampleCas')}</li>
            <li>{t('cosing.search.exampleTypo')}</li>
          </ul>
        </div>
      ) : result.items.length === 0 ? (
        <p data-testid="cosing-none">{t('cosing.search.none', { q })}</p>
      ) : (
        <>
          <p>{t('cosing.search.count', { count: result.total })}</p>
          <table class="table" aria-label={t('cosing.search.resultsLabel', { q })}>
            <thead>
              <tr>
                <th scope="col">{t('cosing.field.inci')}</th>
                <th scope="col">{t('cosing.field.cas')}</th>
                <th scope="col">{t('cosing.field.functions')}</th>
                <th scope="col">{t('cosing.field.annexes')}</th>
                <th scope="col">{t('cosing.field.members')}</th>
              </tr>
            </thead>
            <tbody>
              {result.items.map((i) => (
                <tr data-inci={i.inciName}>
                  <th scope="row">
                    <a href={ingredientHref(ctx, i.inciName)}>{i.inciName}</a>
                  </th>
                  <td>{i.casNumbers.join(', ') || '—'}</td>
                  <td>{i.functions.join(', ') || '—'}</td>
                  <td>
                    {i.annexEntries.length
                      ? i.annexEntries.map((e) => t('cosing.annexRef', { annex: e.annex, reference: e.reference })).join(', ')
                      : '—'}
                  </td>
                  <td>{i.organisationCount}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <Pagination ctx={ctx} page={result.page} pages={pages} baseHref={(p) => `${href(ctx, '/cosing')}?q=${encodeURIComponent(q)}&page=${p}`} />
        </>
      )}
      <Attribution ctx={ctx} />
    </Layout>
  );
}

function AnnexCard({ ctx, e }: { ctx: PageContext; e: AnnexEntry }) {
  const { t } = ctx;
  const rows: [string, string | null][] = [
    [t('cosing.entry.substance'), e.substanceName],
    [t('cosing.entry.glossary'), e.glossaryName],
    [t('cosing.field.cas'), e.casNumbers.join(', ') || null],
    [t('cosing.field.ec'), e.ecNumbers.join(', ') || null],
    ...(e.colour ? [[t('cosing.entry.colour'), e.colour] as [string, string]] : []),
    [t('cosing.entry.productType'), e.productType],
    [t('cosing.entry.maxConcentration'), e.maxConcentration],
    [t('cosing.entry.other'), e.otherLimits],
    [t('cosing.entry.conditions'), e.conditions],
    [t('cosing.entry.regulation'), e.regulation],
    ...(e.cmr ? [[t('cosing.entry.cmr'), e.cmr] as [string, string]] : []),
    [t('cosing.entry.updated'), e.updateDate ? formatDate(ctx.locale, e.updateDate) : null],
  ];
  return (
    <div class="card card-bg mb-3" data-annex={e.annex} data-reference={e.reference}>
      <div class="card-body">
        <h3 class="card-title h5">
          {t('cosing.annexRef', { annex: e.annex, reference: e.reference })} — {t(`cosing.annex.${e.annex}`)}
        </h3>
        {e.matchedBy === 'cas' && <p class="small">{t('cosing.entry.matchedByCas')}</p>}
        <dl class="row mb-0">
          {rows.map(([label, value]) => (
            <>
              <dt class="col-sm-4">{label}</dt>
              <dd class="col-sm-8 text-break">
                <Lines text={value} />
              </dd>
            </>
          ))}
        </dl>
      </div>
    </div>
  );
}

export function IngredientPage({ ctx, ingredient: i }: { ctx: PageContext; ingredient: IngredientDetail }) {
  const { t } = ctx;
  return (
    <Layout
      ctx={ctx}
      title={i.inciName}
      breadcrumb={[{ label: t('common.nav.home'), href: href(ctx, '/') }, { label: t('cosing.search.title'), href: href(ctx, '/cosing') }, { label: i.inciName }]}
    >
      <h1 class="text-break">{i.inciName}</h1>
      <dl class="row">
        <dt class="col-sm-3">{t('cosing.field.functions')}</dt>
        <dd class="col-sm-9">{i.functions.join(', ') || '—'}</dd>
        <dt class="col-sm-3">{t('cosing.field.cas')}</dt>
        <dd class="col-sm-9">{i.casNumbers.join(', ') || '—'}</dd>
        <dt class="col-sm-3">{t('cosing.field.ec')}</dt>
        <dd class="col-sm-9">{i.ecNumbers.join(', ') || '—'}</dd>
      </dl>
      <h2 class="h3 mt-4">{t('cosing.detail.annexes')}</h2>
      {i.annexEntries.length ? (
        i.annexEntries.map((e) => <AnnexCard ctx={ctx} e={e} />)
      ) : (
        <p data-testid="no-annex">{t('cosing.detail.noAnnex')}</p>
      )}
      <h2 class="h3 mt-4">{t('cosing.detail.members')}</h2>
      {i.organisations.length ? (
        <ul>
          {i.organisations.map((o) => (
            <li>
              <a href={href(ctx, `/organisations/${o.id}`)}>{o.name}</a> — {t(`cosing.relation.${o.relation}`)}
              {o.note ? ` (${o.note})` : ''}
            </li>
          ))}
        </ul>
      ) : (
        <p>{t('cosing.detail.noMembers')}</p>
      )}
      <Attribution ctx={ctx} />
    </Layout>
  );
}

export function OrganisationIngredientsPage({
  ctx,
  organisation,
  items,
  canEdit,
  values,
  errors,
}: {
  ctx: PageContext;
  organisation: { id: string; name: string };
  items: OrganisationIngredient[];
  canEdit: boolean;
  values: Record<string, string>;
  errors?: FieldErrors;
}) {
  const { t } = ctx;
  const base = href(ctx, `/organisations/${organisation.id}/ingredients`);
  const relationOptions = (['supplies', 'researches'] as const).map((r) => ({ value: r, label: t(`cosing.relation.${r}`) }));
  return (
    <Layout
      ctx={ctx}
      title={t('cosing.org.title', { name: organisation.name })}
      breadcrumb={[
        { label: t('common.nav.home'), href: href(ctx, '/') },
        { label: organisation.name, href: href(ctx, `/organisations/${organisation.id}`) },
        { label: t('cosing.org.crumb') },
      ]}
    >
      <h1>{t('cosing.org.title', { name: organisation.name })}</h1>
      {items.length ? (
        <table class="table" aria-label={t('cosing.org.tableLabel')}>
          <thead>
            <tr>
              <th scope="col">{t('cosing.field.inci')}</th>
              <th scope="col">{t('cosing.field.relation')}</th>
              <th scope="col">{t('cosing.field.note')}</th>
              <th scope="col">{t('cosing.field.functions')}</th>
              {canEdit && <th scope="col">{t('cosing.org.actions')}</th>}
            </tr>
          </thead>
          <tbody>
            {items.map((i) => (
              <tr data-inci={i.inciName} data-relation={i.relation}>
                <th scope="row">
                  <a href={ingredientHref(ctx, i.inciName)}>{i.inciName}</a>
                </th>
                <td>{t(`cosing.relation.${i.relation}`)}</td>
                <td>{i.note ?? '—'}</td>
                <td>{i.functions.join(', ') || '—'}</td>
                {canEdit && (
                  <td>
                    <form method="post" action={`${base}/remove`}>
                      <CsrfField ctx={ctx} />
                      <input type="hidden" name="inciName" value={i.inciName} />
                      <input type="hidden" name="relation" value={i.relation} />
                      <button type="submit" class="btn btn-sm btn-outline-danger">
                        {t('cosing.org.remove')}
                        <span class="visually-hidden"> {i.inciName}</span>
                      </button>
                    </form>
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p>{t('cosing.org.empty')}</p>
      )}
      {canEdit && (
        <>
          <h2 class="h3 mt-4">{t('cosing.org.addTitle')}</h2>
          <ErrorSummary ctx={ctx} errors={errors} />
          <form method="post" action={base} novalidate>
            <CsrfField ctx={ctx} />
            <Input ctx={ctx} name="inciName" label={t('cosing.field.inci')} value={values.inciName} errors={errors} required hint={t('cosing.org.inciHint')} />
            <Select ctx={ctx} name="relation" label={t('cosing.field.relation')} value={values.relation ?? 'supplies'} options={relationOptions} errors={errors} required />
            <Textarea ctx={ctx} name="note" label={t('cosing.field.note')} value={values.note} errors={errors} maxLength={500} rows={2} />
            <button type="submit" class="btn btn-primary">
              {t('cosing.org.add')}
            </button>
          </form>
          <p class="mt-3">
            <a href={href(ctx, '/cosing')}>{t('cosing.org.searchLink')}</a>
          </p>
        </>
      )}
      <Attribution ctx={ctx} />
    </Layout>
  );
}
