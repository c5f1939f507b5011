import { hasRole, isOrgAdminOf } from '../../lib/auth.ts';
import type { FieldErrors } from '../../lib/errors.ts';
import { formatDateTime } from '../../lib/i18n.ts';
import { Checkbox, CsrfField, ErrorSummary, Input, Layout, type PageContext, Select, Sentence, fieldError, href, langOf } from '../../lib/html.tsx';
import {
  type ForYouOut,
  type ResultsOut,
  type SavedSearchOut,
  type SuggestionItem,
  type SuggestionsOut,
  frequencies,
  offerTypes,
  profileTypes,
} from './matching.schemas.ts';

export type ConceptChoice = { id: string; scheme: string; label: { it: string; en: string } };
export type SavedFormValues = { name: string; query: string; profileTypes: string[]; conceptIds: string[]; allClusters: boolean; frequency: string; locale: string };

function Why({ ctx, why }: { ctx: PageContext; why: SuggestionItem['why'] }) {
  const t = ctx.t;
  return (
    <p class="small mb-0">
      <strong>{t('matching.why')}</strong>{' '}
      {why.concepts.length > 0 && (
        <span>
          {t('matching.why.concepts')} {why.concepts.map((c) => c.label).join(', ')}.{' '}
        </span>
      )}
      {why.words.length > 0 && (
        <span>
          {t('matching.why.words')} {why.words.map((w) => `«${w}»`).join(', ')}.{' '}
        </span>
      )}
      {why.network.length > 0 && (
        <span>
          {t('matching.why.network')}{' '}
          {why.network.map((n, i) => (
            <>
              {i > 0 && ', '}
              <a href={href(ctx, `/organisations/${n.id}`)}>{n.name}</a>
              {n.projects.length > 0 && ` (${n.projects.join(', ')})`}
            </>
          ))}
          .{' '}
        </span>
      )}
      {why.complementarity && (
        <span>
          {t('matching.why.complementarity')} {why.complementarity.label}.
        </span>
      )}
    </p>
  );
}

function Results({ ctx, items, headingLevel = 'h3', empty }: { ctx: PageContext; items: SuggestionItem[]; headingLevel?: 'h2' | 'h3'; empty: string }) {
  const t = ctx.t;
  const H = headingLevel;
  // expressions of interest come from member users (the collaborations feature's form)
  const canExpressInterest = !!ctx.actor?.roles.some((r) => r.role === 'member' || r.role === 'org_admin');
  if (items.length === 0) return <p class="text-muted">{empty}</p>;
  return (
    <ol class="list-unstyled" data-testid="results">
      {items.map((item) => (
        <li class="mb-4" data-type={item.type} data-id={item.id}>
          <H class="h5 mb-1">
            <a href={item.url} lang={item.lang ?? undefined}>
              {item.name}
            </a>
          </H>
          <p class="mb-1 small">
            {[
              item.profileType ? t(`matching.type.${item.profileType}`) : null,
              item.category ? t(`organisations.category.${item.category}`) : null,
              item.type === 'profile' ? (item.owner ? item.owner.name : t('matching.anonymous')) : null,
            ]
              .filter(Boolean)
              .join(' · ')}
          </p>
          {item.summary && (
            <p class="mb-1" lang={item.lang ?? undefined}>
              {item.summary}
            </p>
          )}
          <Why ctx={ctx} why={item.why} />
          {item.type === 'profile' && canExpressInterest && (
            <p class="small mt-1 mb-0">
              <a href={href(ctx, `/marketplace/${item.id}/interest`)}>{t('matching.expressInterest')}</a>
            </p>
          )}
        </li>
      ))}
    </ol>
  );
}

function ScopeForm({ ctx, action, scope, hidden = {} }: { ctx: PageContext; action: string; scope: { allClusters: boolean; canWiden: boolean }; hidden?: Record<string, string> }) {
  const t = ctx.t;
  if (!scope.canWiden) return <p class="small text-muted">{t('matching.scope.all')}</p>;
  return (
    <form method="get" action={action} class="mb-4">
      {Object.entries(hidden).map(([k, v]) => (
        <input type="hidden" name={k} value={v} />
      ))}
      <fieldset>
        <legend class="h6">{t('matching.scope.legend')}</legend>
        <Checkbox ctx={ctx} name="allClusters" value="1" label={t('matching.scope.allClusters')} checked={scope.allClusters} />
      </fieldset>
      <button type="submit" class="btn btn-outline-primary btn-sm">
        {t('matching.scope.apply')}
      </button>
    </form>
  );
}

export function SuggestionsPage({ ctx, data }: { ctx: PageContext; data: SuggestionsOut }) {
  const t = ctx.t;
  const offer = (offerTypes as readonly string[]).includes(data.profile.type);
  const title = t('matching.suggestions.title', { title: data.profile.title });
  // an empty section within one cluster suggests looking at every cluster
  const widen = data.scope.allClusters ? '' : ` ${t('matching.suggestions.widen')}`;
  return (
    <Layout
      ctx={ctx}
      title={title}
      breadcrumb={[
        { label: t('matching.breadcrumb.marketplace'), href: href(ctx, '/marketplace') },
        { label: data.profile.title, href: href(ctx, `/marketplace/${data.profile.id}`), lang: langOf(ctx, data.profile.titleLang) },
        { label: t('matching.suggestions.breadcrumb') },
      ]}
    >
      <h1>
        <Sentence ctx={ctx} message="matching.suggestions.title" name="title" text={data.profile.title} lang={data.profile.titleLang} />
      </h1>
      <p class="lead">{t(offer ? 'matching.suggestions.introOffer' : 'matching.suggestions.introRequest', { type: t(`matching.type.${data.profile.type}`) })}</p>
      {data.profile.status !== 'published' && (
        <div class="alert alert-info">
          {t(data.profile.status === 'expired' || data.profile.status === 'closed' ? 'matching.suggestions.notPublishedAnymore' : 'matching.suggestions.notPublished')}
        </div>
      )}
      <ScopeForm ctx={ctx} action={href(ctx, `/marketplace/${data.profile.id}/suggestions`)} scope={data.scope} />
      <section aria-labelledby="profiles-heading">
        <h2 id="profiles-heading">{t(offer ? 'matching.suggestions.requests' : 'matching.suggestions.offers')}</h2>
        <Results ctx={ctx} items={data.profiles} empty={t('matching.suggestions.noProfiles') + widen} />
      </section>
      <section aria-labelledby="organisations-heading">
        <h2 id="organisations-heading">{t('matching.suggestions.organisations')}</h2>
        <Results ctx={ctx} items={data.organisations} empty={t('matching.suggestions.noOrganisations') + widen} />
      </section>
    </Layout>
  );
}

export function ForYouPage({ ctx, data }: { ctx: PageContext; data: ForYouOut }) {
  const t = ctx.t;
  const orgId = data.organisation.id;
  // the description is edited by the organisation's administrators (and platform admins): others are told whom to ask
  const mayEdit = isOrgAdminOf(ctx.actor, orgId) || hasRole(ctx.actor, 'platform_admin');
  return (
    <Layout ctx={ctx} title={t('matching.forYou.title')}>
      <h1>{t('matching.forYou.title')}</h1>
      <p class="lead">{t('matching.forYou.intro', { name: data.organisation.name })}</p>
      {data.organisations.length > 1 && (
        <form method="get" action={href(ctx, '/suggestions')} class="mb-3">
          <Select
            ctx={ctx}
            name="organisation"
            label={t('matching.forYou.organisation')}
            value={orgId}
            options={data.organisations.map((o) => ({ value: o.id, label: o.name }))}
          />
          <button type="submit" class="btn btn-outline-primary btn-sm">
            {t('matching.forYou.choose')}
          </button>
        </form>
      )}
      {data.missing.length > 0 && (
        <div class="callout" data-testid="missing">
          <div class="callout-title">{t('matching.forYou.missingTitle')}</div>
          <ul>
            {data.missing.includes('description') && (
              <li>
                {t('matching.forYou.missing.description')}{' '}
                {mayEdit ? <a href={href(ctx, `/organisations/${orgId}/edit`)}>{t('matching.forYou.writeDescription')}</a> : t('matching.forYou.askAdmin')}
              </li>
            )}
            {data.missing.includes('competences') && (
              <li>
                {t('matching.forYou.missing.competences')} <a href={href(ctx, `/organisations/${orgId}/competences`)}>{t('matching.forYou.declareCompetences')}</a>
              </li>
            )}
          </ul>
        </div>
      )}
      <ScopeForm ctx={ctx} action={href(ctx, '/suggestions')} scope={data.scope} hidden={data.organisations.length > 1 ? { organisation: orgId } : {}} />
      <h2>{t('matching.forYou.results')}</h2>
      {data.items.length === 0 ? (
        <div class="callout" data-testid="empty">
          <div class="callout-title">{t('matching.forYou.emptyTitle')}</div>
          <p>{t('matching.forYou.empty')}</p>
          <p>
            <a href={href(ctx, `/organisations/${orgId}/competences`)}>{t('matching.forYou.declareCompetences')}</a> ·{' '}
            {mayEdit && (
              <>
                <a href={href(ctx, `/organisations/${orgId}/edit`)}>{t('matching.forYou.writeDescription')}</a> ·{' '}
              </>
            )}
            <a href={href(ctx, '/saved-searches')}>{t('matching.forYou.saveSearch')}</a>
          </p>
        </div>
      ) : (
        <Results ctx={ctx} items={data.items} empty="" />
      )}
    </Layout>
  );
}

export const emptySavedForm = (locale: string): SavedFormValues => ({
  name: '',
  query: '',
  profileTypes: [],
  conceptIds: [],
  allClusters: false,
  frequency: 'weekly',
  locale,
});

function SavedSearchForm({ ctx, values, errors, choices }: { ctx: PageContext; values: SavedFormValues; errors?: FieldErrors; choices: ConceptChoice[] }) {
  const t = ctx.t;
  const conceptError = errors ? Object.entries(errors).find(([k]) => k === 'conceptIds' || k.startsWith('conceptIds.')) : undefined;
  const typeError = errors ? Object.entries(errors).find(([k]) => k === 'profileTypes' || k.startsWith('profileTypes.')) : undefined;
  const l = ctx.locale === 'en' ? 'en' : 'it';
  return (
    <form method="post" action={href(ctx, '/saved-searches')} novalidate>
      <CsrfField ctx={ctx} />
      <Input ctx={ctx} name="query" label={t('matching.saved.query')} value={values.query} errors={errors} required maxLength={200} hint={t('matching.saved.queryHint')} />
      <Input ctx={ctx} name="name" label={t('matching.saved.name')} value={values.name} errors={errors} maxLength={120} hint={t('matching.saved.nameHint')} />
      <fieldset class="mb-4" aria-describedby={typeError ? 'f-profileTypes-error' : undefined}>
        <legend class="h6">{t('matching.saved.profileTypes')}</legend>
        <p class="small">{t('matching.saved.profileTypesHint')}</p>
        {profileTypes.map((type) => (
          <div class="form-check">
            <input id={`f-type-${type}`} type="checkbox" name="profileTypes" value={type} checked={values.profileTypes.includes(type)} />
            <label for={`f-type-${type}`}>{t(`matching.type.${type}`)}</label>
          </div>
        ))}
        {typeError && (
          <div id="f-profileTypes-error" class="invalid-feedback d-block" data-field="profileTypes">
            {fieldError(ctx, { profileTypes: typeError[1] }, 'profileTypes')}
          </div>
        )}
      </fieldset>
      <div class="select-wrapper mb-4">
        <label for="f-conceptIds">{t('matching.saved.concepts')}</label>
        <select id="f-conceptIds" name="conceptIds" multiple size={8} aria-describedby={conceptError ? 'f-conceptIds-error f-conceptIds-hint' : 'f-conceptIds-hint'} aria-invalid={conceptError ? 'true' : undefined}>
          {(['stage', 'technology', 'product'] as const).map((scheme) => (
            <optgroup label={t(`matching.scheme.${scheme}`)}>
              {choices
                .filter((c) => c.scheme === scheme)
                .map((c) => (
                  <option value={c.id} selected={values.conceptIds.includes(c.id)}>
                    {c.label[l]}
                  </option>
                ))}
            </optgroup>
          ))}
        </select>
        <small id="f-conceptIds-hint" class="form-text">
          {t('matching.saved.conceptsHint')}
        </small>
        {conceptError && (
          <div id="f-conceptIds-error" class="invalid-feedback d-block" data-field="conceptIds">
            {fieldError(ctx, { conceptIds: conceptError[1] }, 'conceptIds')}
          </div>
        )}
      </div>
      <Select ctx={ctx} name="frequency" label={t('matching.saved.frequency')} value={values.frequency} errors={errors} options={frequencies.map((f) => ({ value: f, label: t(`matching.frequency.${f}`) }))} />
      <Select ctx={ctx} name="locale" label={t('matching.saved.locale')} value={values.locale} errors={errors} options={[{ value: 'it', label: 'Italiano' }, { value: 'en', label: 'English' }]} />
      <Checkbox ctx={ctx} name="allClusters" value="1" label={t('matching.saved.allClusters')} checked={values.allClusters} errors={errors} />
      <button type="submit" class="btn btn-primary">
        {t('matching.saved.save')}
      </button>{' '}
      <button type="submit" class="btn btn-outline-primary" formaction={href(ctx, '/saved-searches/preview')}>
        {t('matching.saved.preview')}
      </button>
    </form>
  );
}

export function SavedSearchesPage({
  ctx,
  items,
  choices,
  values,
  errors,
  notice,
  preview,
}: {
  ctx: PageContext;
  items: SavedSearchOut[];
  choices: ConceptChoice[];
  values: SavedFormValues;
  errors?: FieldErrors;
  notice?: string;
  preview?: SuggestionItem[];
}) {
  const t = ctx.t;
  return (
    <Layout ctx={ctx} title={t('matching.saved.title')}>
      <h1>{t('matching.saved.title')}</h1>
      <p class="lead">{t('matching.saved.intro')}</p>
      {notice && (
        <div class="alert alert-success" role="status">
          {t(`matching.saved.notice.${notice}`)}
        </div>
      )}
      <ErrorSummary ctx={ctx} errors={errors} />
      <h2>{t('matching.saved.yours')}</h2>
      {items.length === 0 ? (
        <p>{t('matching.saved.none')}</p>
      ) : (
        <div class="table-responsive">
          <table class="table">
            <caption class="visually-hidden">{t('matching.saved.yours')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('matching.saved.name')}</th>
                <th scope="col">{t('matching.saved.query')}</th>
                <th scope="col">{t('matching.saved.frequency')}</th>
                <th scope="col">{t('matching.saved.lastChecked')}</th>
                <th scope="col">{t('matching.saved.actions')}</th>
              </tr>
            </thead>
            <tbody>
              {items.map((s) => (
                <tr data-id={s.id}>
                  <td>{s.name}</td>
                  <td>{s.query}</td>
                  <td>{t(`matching.frequency.${s.frequency}`)}</td>
                  <td>{formatDateTime(ctx.locale, s.lastCheckedAt)}</td>
                  <td>
                    <a href={href(ctx, `/saved-searches/${s.id}`)}>{t('matching.saved.show')}</a>
                    <form method="post" action={href(ctx, `/saved-searches/${s.id}/delete`)} class="d-inline ms-3">
                      <CsrfField ctx={ctx} />
                      <button type="submit" class="btn btn-link p-0" aria-label={t('matching.saved.deleteNamed', { name: s.name })}>
                        {t('matching.saved.delete')}
                      </button>
                    </form>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <h2>{t('matching.saved.new')}</h2>
      <SavedSearchForm ctx={ctx} values={values} errors={errors} choices={choices} />
      {preview && (
        <section aria-labelledby="preview-heading" class="mt-4" data-testid="preview">
          <h2 id="preview-heading">{t('matching.saved.previewTitle', { query: values.query })}</h2>
          <p>{t('matching.saved.previewHint')}</p>
          <Results ctx={ctx} items={preview} empty={t('matching.saved.previewNone')} />
        </section>
      )}
    </Layout>
  );
}

export function SavedSearchResultsPage({ ctx, data }: { ctx: PageContext; data: ResultsOut }) {
  const t = ctx.t;
  const title = t('matching.results.title', { name: data.search.name });
  return (
    <Layout ctx={ctx} title={title} breadcrumb={[{ label: t('matching.saved.title'), href: href(ctx, '/saved-searches') }, { label: data.search.name }]}>
      <h1>{title}</h1>
      <p class="lead">{t('matching.results.intro', { query: data.search.query, frequency: t(`matching.frequency.${data.search.frequency}`) })}</p>
      <Results ctx={ctx} items={data.items} headingLevel="h2" empty={t('matching.results.none')} />
    </Layout>
  );
}
