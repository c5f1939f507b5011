import type { ComponentChildren } from 'preact';
import type { FieldErrors } from '../../lib/errors.ts';
import { formatDate } from '../../lib/i18n.ts';
import { CsrfField, ErrorSummary, Input, Layout, Localised, type PageContext, Pagination, Select, Textarea, fieldError, href } from '../../lib/html.tsx';
import type { PublishOption } from './marketplace.queries.ts';
import {
  type ListQuery,
  type ProfileList,
  type ProfileOut,
  developmentStages,
  iprStatuses,
  partnerCategories,
  partnershipTypes,
  profileStatuses,
  profileTypes,
} from './marketplace.schemas.ts';

export type FormValues = Record<string, string | string[]>;
export type ConceptGroup = { scheme: string; items: { id: string; depth: number; label: { it: string; en: string } }[] };

const lang = (ctx: PageContext) => (ctx.locale === 'en' ? 'en' : 'it');
const title = (ctx: PageContext, p: Pick<ProfileOut, 'titleIt' | 'titleEn'>) => (ctx.locale === 'en' ? (p.titleEn ?? p.titleIt) : (p.titleIt ?? p.titleEn)) ?? '';
const titleLang = (ctx: PageContext, p: Pick<ProfileOut, 'titleIt' | 'titleEn'>) =>
  ctx.locale === 'en' ? (p.titleEn ? undefined : 'it') : p.titleIt ? undefined : 'en';
const str = (v: string | string[] | undefined) => (Array.isArray(v) ? (v[0] ?? '') : (v ?? ''));
const arr = (v: string | string[] | undefined) => (Array.isArray(v) ? v : v ? [v] : []);
/** Errors of list items ("conceptIds.1") are shown beside their list. */
const byField = (errors?: FieldErrors) => (errors ? Object.fromEntries(Object.entries(errors).map(([k, v]) => [k.split('.')[0], v])) : undefined);

function StatusBadge({ ctx, status }: { ctx: PageContext; status: ProfileOut['status'] }) {
  const cls = status === 'published' ? 'bg-success' : status === 'returned' ? 'bg-warning text-dark' : status === 'submitted' ? 'bg-primary' : 'bg-secondary';
  return <span class={`badge ${cls}`}>{ctx.t(`marketplace.status.${status}`)}</span>;
}

function TypeBadge({ ctx, type }: { ctx: PageContext; type: ProfileOut['type'] }) {
  return <span class="badge bg-light text-dark border">{ctx.t(`marketplace.type.${type}`)}</span>;
}

function ConceptSelect({ ctx, groups, name, label, value, multiple, errors, hint }: { ctx: PageContext; groups: ConceptGroup[]; name: string; label: string; value: string[]; multiple?: boolean; errors?: FieldErrors; hint?: string }) {
  const l = lang(ctx);
  const id = `f-${name}`;
  const error = fieldError(ctx, errors, name);
  const describedBy = [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined;
  return (
    <div class="select-wrapper mb-4">
      <label for={id}>{label}</label>
      <select id={id} name={name} multiple={multiple} size={multiple ? 10 : undefined} class={[multiple ? 'h-auto' : '', error ? 'is-invalid' : ''].filter(Boolean).join(' ') || undefined} aria-invalid={error ? 'true' : undefined} aria-describedby={describedBy}>
        {!multiple && <option value="">{ctx.t('marketplace.allConcepts')}</option>}
        {groups.map((g) => (
          <optgroup label={ctx.t(`taxonomy.scheme.${g.scheme}`)}>
            {g.items.map((c) => (
              <option value={c.id} selected={value.includes(c.id)}>
                {'\u00a0\u00a0'.repeat(c.depth) + c.label[l]}
              </option>
            ))}
          </optgroup>
        ))}
      </select>
      {hint && (
        <small id={`${id}-hint`} class="form-text">
          {hint}
        </small>
      )}
      {error && (
        <div id={`${id}-error`} class="invalid-feedback d-block" data-field={name}>
          {error}
        </div>
      )}
    </div>
  );
}

/** A group of checkboxes in a fieldset, with its error beside the legend. */
function Checkboxes({ ctx, name, legend, options, value, errors }: { ctx: PageContext; name: string; legend: string; options: { value: string; label: string }[]; value: string[]; errors?: FieldErrors }) {
  const error = fieldError(ctx, errors, name);
  return (
    <fieldset class="mb-4" aria-describedby={error ? `f-${name}-error` : undefined}>
      <legend class="h6">{legend}</legend>
      {options.map((o) => (
        <div class="form-check">
          <input id={`f-${name}-${o.value}`} type="checkbox" name={name} value={o.value} checked={value.includes(o.value)} />
          <label for={`f-${name}-${o.value}`}>{o.label}</label>
        </div>
      ))}
      {error && (
        <div id={`f-${name}-error`} class="invalid-feedback d-block" data-field={name}>
          {error}
        </div>
      )}
    </fieldset>
  );
}

function ProfileCard({ ctx, p }: { ctx: PageContext; p: ProfileOut }) {
  const l = lang(ctx);
  return (
    <article class="card card-bg mb-3">
      <div class="card-body">
        <p class="mb-1">
          <TypeBadge ctx={ctx} type={p.type} />
        </p>
        <h2 class="h5 card-title">
          <a href={href(ctx, `/marketplace/${p.id}`)} lang={titleLang(ctx, p)}>
            {title(ctx, p)}
          </a>
        </h2>
        <Localised ctx={ctx} it={p.summaryIt} en={p.summaryEn} />
        <p class="small mb-1">
          {p.owner ? p.owner.name : ctx.t('marketplace.anonymousOwner')}
          {` · ${p.cluster.name[l]}`}
          {p.publishedAt && ` · ${ctx.t('marketplace.published', { date: formatDate(ctx.locale, p.publishedAt) })}`}
        </p>
        {p.concepts.length > 0 && <p class="small mb-0">{p.concepts.map((c) => c.label[l]).join(' · ')}</p>}
      </div>
    </article>
  );
}

export type ClusterChoice = { slug: string; name: { it: string; en: string } };

export function ListPage({
  ctx,
  data,
  query,
  groups,
  clusters,
  canCreate,
  isStaff,
}: {
  ctx: PageContext;
  data: ProfileList;
  query: ListQuery;
  groups: ConceptGroup[];
  clusters: ClusterChoice[];
  canCreate: boolean;
  /** Staff, region officers and platform admins: they also list profiles in other statuses. */
  isStaff: boolean;
}) {
  const { t } = ctx;
  const pages = Math.max(1, Math.ceil(data.total / data.pageSize));
  const filtered = !!(query.type || query.concept || query.cluster || query.status !== 'published');
  const pageHref = (page: number) => {
    const p = new URLSearchParams();
    if (query.type) p.set('type', query.type);
    if (query.concept) p.set('concept', query.concept);
    if (query.cluster) p.set('cluster', query.cluster);
    if (query.status !== 'published') p.set('status', query.status);
    if (page > 1) p.set('page', String(page));
    const qs = p.toString();
    return href(ctx, `/marketplace${qs ? `?${qs}` : ''}`);
  };
  return (
    <Layout ctx={ctx} title={t('marketplace.title')} breadcrumb={[{ label: t('marketplace.title') }]}>
      <h1>{t('marketplace.title')}</h1>
      <p>{t('marketplace.intro')}</p>
      {canCreate && (
        <p>
          <a class="btn btn-primary me-2" href={href(ctx, '/marketplace/new')}>
            {t('marketplace.newProfile')}
          </a>
          <a class="btn btn-outline-primary" href={href(ctx, '/marketplace/mine')}>
            {t('marketplace.mine')}
          </a>
        </p>
      )}
      {isStaff && (
        <p>
          <a class="btn btn-outline-primary" href={href(ctx, '/staff/marketplace')}>
            {t('marketplace.queueTitle')}
          </a>
        </p>
      )}
      <form method="get" action={href(ctx, '/marketplace')} class="mt-5 mb-4" aria-label={t('marketplace.filter')}>
        <div class="row">
          {isStaff && (
            <div class="col-md-12">
              <Select
                ctx={ctx}
                name="status"
                label={t('marketplace.status')}
                options={profileStatuses.map((v) => ({ value: v, label: t(`marketplace.status.${v}`) }))}
                value={query.status}
              />
            </div>
          )}
          {clusters.length > 1 && (
            <div class="col-md-12">
              <Select
                ctx={ctx}
                name="cluster"
                label={t('marketplace.cluster')}
                emptyLabel={t('marketplace.allClusters')}
                options={clusters.map((c) => ({ value: c.slug, label: c.name[lang(ctx)] }))}
                value={query.cluster ?? ''}
              />
            </div>
          )}
          <div class="col-md-5">
            <Select
              ctx={ctx}
              name="type"
              label={t('marketplace.type')}
              emptyLabel={t('marketplace.allTypes')}
              options={profileTypes.map((v) => ({ value: v, label: t(`marketplace.type.${v}`) }))}
              value={query.type ?? ''}
            />
          </div>
          <div class="col-md-7">
            <ConceptSelect ctx={ctx} groups={groups} name="concept" label={t('marketplace.concept')} value={query.concept ? [query.concept] : []} />
          </div>
        </div>
        <button type="submit" class="btn btn-outline-primary">
          {t('marketplace.filterApply')}
        </button>
        {filtered && (
          <a class="ms-3" href={href(ctx, '/marketplace')}>
            {t('marketplace.filterReset')}
          </a>
        )}
      </form>
      <p role="status">{t('marketplace.results', { count: data.total })}</p>
      {data.items.length === 0 ? (
        <div class="alert alert-info">
          <p class="fw-bold">{t(filtered ? 'marketplace.empty' : 'marketplace.emptyAll')}</p>
          <p class="mb-0">{t(filtered ? 'marketplace.emptyHint' : 'marketplace.emptyAllHint')}</p>
        </div>
      ) : (
        data.items.map((p) => <ProfileCard ctx={ctx} p={p} />)
      )}
      <Pagination ctx={ctx} page={data.page} pages={pages} baseHref={pageHref} />
    </Layout>
  );
}

function Notice({ ctx, p }: { ctx: PageContext; p: ProfileOut }) {
  const { t } = ctx;
  const key = { draft: 'draftNotice', submitted: 'submittedNotice', returned: 'returnedNotice', expired: 'expiredNotice', closed: 'closedNotice', published: '' }[p.status];
  if (!key) return null;
  return (
    <div class={`alert ${p.status === 'returned' ? 'alert-warning' : 'alert-info'}`}>
      <p class="mb-0">
        {t(`marketplace.${key}`)}
        {p.status === 'expired' && p.actions.renew && ` ${t('marketplace.expiredRenewable')}`}
      </p>
      {p.status === 'returned' && p.returnReason && (
        <>
          <p class="fw-bold mt-2 mb-0">{t('marketplace.returnReason')}</p>
          <p class="mb-0">
            {p.returnReason.split('\n').map((line, i) => (
              <>
                {i > 0 && <br />}
                {line}
              </>
            ))}
          </p>
        </>
      )}
    </div>
  );
}

function ReviewForm({ ctx, id, values, errors, page }: { ctx: PageContext; id: string; values?: FormValues; errors?: FieldErrors; page?: number }) {
  const { t } = ctx;
  const fid = `reason-${id}`;
  const error = fieldError(ctx, errors, 'reason');
  return (
    <form method="post" action={href(ctx, `/staff/marketplace/${id}/review`)} novalidate>
      <CsrfField ctx={ctx} />
      {page && page > 1 && <input type="hidden" name="page" value={page} />}
      <label for={fid}>{t('marketplace.reason')}</label>
      <textarea id={fid} name="reason" rows={3} class={`form-control${error ? ' is-invalid' : ''}`} aria-invalid={error ? 'true' : undefined} aria-describedby={error ? `${fid}-error` : undefined}>
        {str(values?.reason)}
      </textarea>
      {error && (
        <div id={`${fid}-error`} class="invalid-feedback d-block" data-field="reason">
          {error}
        </div>
      )}
      <button type="submit" name="decision" value="publish" class="btn btn-sm btn-success mt-2">
        {t('marketplace.publish')}
      </button>{' '}
      <button type="submit" name="decision" value="return" class="btn btn-sm btn-outline-danger mt-2">
        {t('marketplace.return')}
      </button>
    </form>
  );
}

/** A long text as its author wrote it: one paragraph per line (the CSP forbids a white-space style), marked when in the other language. */
function LongText({ ctx, it, en }: { ctx: PageContext; it: string | null; en: string | null }) {
  const own = ctx.locale === 'en' ? en : it;
  const text = own || (ctx.locale === 'en' ? it : en);
  if (!text) return null;
  const lines = text.split(/\r?\n/).filter((line) => line.trim() !== '');
  return (
    <div lang={own ? undefined : ctx.locale === 'en' ? 'it' : 'en'}>
      {lines.map((line) => (
        <p>{line}</p>
      ))}
    </div>
  );
}

function Section({ heading, children }: { heading: string; children: ComponentChildren }) {
  return (
    <section class="mb-4">
      <h2 class="h4">{heading}</h2>
      {children}
    </section>
  );
}

export function ProfilePage({
  ctx,
  p,
  done,
  canExpressInterest,
  canSeeSuggestions = false,
}: { ctx: PageContext; p: ProfileOut; done?: string; canExpressInterest: boolean; canSeeSuggestions?: boolean }) {
  const { t } = ctx;
  const l = lang(ctx);
  const heading = title(ctx, p);
  const other = ctx.locale === 'en' ? p.titleIt : p.titleEn;
  const list = (items: string[], prefix: string) => (items.length ? items.map((v) => t(`${prefix}.${v}`)).join(', ') : t('marketplace.notSet'));
  return (
    <Layout ctx={ctx} title={heading} breadcrumb={[{ label: t('marketplace.title'), href: href(ctx, '/marketplace') }, { label: heading }]}>
      {done && (
        <div class="alert alert-success" role="status">
          {t(`marketplace.${done}`)}
        </div>
      )}
      <p class="mb-1">
        <TypeBadge ctx={ctx} type={p.type} /> <StatusBadge ctx={ctx} status={p.status} />
      </p>
      <h1 lang={titleLang(ctx, p)}>{heading}</h1>
      {other && other !== heading && (
        <p class="lead" lang={ctx.locale === 'en' ? 'it' : 'en'}>
          {other}
        </p>
      )}
      <Notice ctx={ctx} p={p} />
      <dl class="row">
        <dt class="col-sm-4">{t('marketplace.cluster')}</dt>
        <dd class="col-sm-8">
          <a href={href(ctx, `/clusters/${p.cluster.slug}`)}>{p.cluster.name[l]}</a>
        </dd>
        <dt class="col-sm-4">{t('marketplace.owner')}</dt>
        <dd class="col-sm-8">
          {p.owner ? <a href={href(ctx, `/organisations/${p.owner.id}`)}>{p.owner.name}</a> : t('marketplace.anonymousOwner')}
          {p.owner && p.anonymous && <div class="small">{t('marketplace.anonymousNote')}</div>}
        </dd>
        {p.publishedAt && (
          <>
            <dt class="col-sm-4">{t('marketplace.status.published')}</dt>
            <dd class="col-sm-8">{formatDate(ctx.locale, p.publishedAt)}</dd>
          </>
        )}
        {p.validUntil && (
          <>
            <dt class="col-sm-4">{t('marketplace.validUntil')}</dt>
            <dd class="col-sm-8">{formatDate(ctx.locale, p.validUntil)}</dd>
          </>
        )}
        {p.deadline && (
          <>
            <dt class="col-sm-4">{t('marketplace.deadline')}</dt>
            <dd class="col-sm-8">{formatDate(ctx.locale, p.deadline)}</dd>
          </>
        )}
      </dl>
      <Section heading={t('marketplace.summary')}>
        <Localised ctx={ctx} it={p.summaryIt} en={p.summaryEn} empty={<p>{t('marketplace.notSet')}</p>} />
      </Section>
      {(p.descriptionIt || p.descriptionEn) && (
        <Section heading={t('marketplace.description')}>
          <LongText ctx={ctx} it={p.descriptionIt} en={p.descriptionEn} />
        </Section>
      )}
      {(p.innovationIt || p.innovationEn) && (
        <Section heading={t('marketplace.innovation')}>
          <LongText ctx={ctx} it={p.innovationIt} en={p.innovationEn} />
        </Section>
      )}
      <Section heading={t('marketplace.technical')}>
        <dl class="row">
          <dt class="col-sm-4">{t('marketplace.developmentStage')}</dt>
          <dd class="col-sm-8">{p.developmentStage ? t(`marketplace.stage.${p.developmentStage}`) : t('marketplace.notSet')}</dd>
          <dt class="col-sm-4">{t('marketplace.trl')}</dt>
          <dd class="col-sm-8">{p.trl ? t('marketplace.trlValue', { trl: p.trl }) : t('marketplace.notSet')}</dd>
          <dt class="col-sm-4">{t('marketplace.iprStatus')}</dt>
          <dd class="col-sm-8">
            {list(p.iprStatus, 'marketplace.ipr')}
            {p.iprComment && <div class="small">{p.iprComment}</div>}
          </dd>
        </dl>
      </Section>
      <Section heading={t('marketplace.partner')}>
        <dl class="row">
          <dt class="col-sm-4">{t('marketplace.partnershipTypes')}</dt>
          <dd class="col-sm-8">{list(p.partnershipTypes, 'marketplace.partnership')}</dd>
          <dt class="col-sm-4">{t('marketplace.partnerCategories')}</dt>
          <dd class="col-sm-8">{list(p.partnerCategories, 'organisations.category')}</dd>
          {p.partnerSought && (
            <>
              <dt class="col-sm-4">{t('marketplace.partnerSought')}</dt>
              <dd class="col-sm-8">{p.partnerSought}</dd>
            </>
          )}
        </dl>
      </Section>
      <Section heading={t('marketplace.classification')}>
        <dl class="row">
          <dt class="col-sm-4">{t('marketplace.concepts')}</dt>
          <dd class="col-sm-8">
            {p.concepts.length ? (
              <ul class="list-unstyled mb-0">
                {p.concepts.map((c) => (
                  <li>
                    <a href={href(ctx, `/taxonomy/${encodeURIComponent(c.id)}`)}>{c.label[l]}</a>
                  </li>
                ))}
              </ul>
            ) : (
              t('marketplace.notSet')
            )}
          </dd>
          <dt class="col-sm-4">{t('marketplace.atecoCodes')}</dt>
          <dd class="col-sm-8">{p.atecoCodes.length ? p.atecoCodes.join(', ') : t('marketplace.notSet')}</dd>
        </dl>
      </Section>
      {(canExpressInterest || canSeeSuggestions || Object.values(p.actions).some(Boolean)) && (
        <Section heading={t('marketplace.actions')}>
          {canExpressInterest && (
            <p>
              <a class="btn btn-primary" href={href(ctx, `/marketplace/${p.id}/interest`)}>
                {t('marketplace.expressInterest')}
              </a>
            </p>
          )}
          {canSeeSuggestions && (
            <p>
              <a class="btn btn-outline-primary" href={href(ctx, `/marketplace/${p.id}/suggestions`)}>
                {t('marketplace.seeSuggestions')}
              </a>
            </p>
          )}
          {p.actions.edit && (
            <p>
              <a class="btn btn-outline-primary" href={href(ctx, `/marketplace/${p.id}/edit`)}>
                {t('marketplace.edit')}
              </a>
            </p>
          )}
          {p.actions.submit && (
            <form method="post" action={href(ctx, `/marketplace/${p.id}/submit`)} class="mb-3">
              <CsrfField ctx={ctx} />
              <button type="submit" class="btn btn-primary">
                {t('marketplace.submit')}
              </button>
            </form>
          )}
          {p.actions.renew && (
            <form method="post" action={href(ctx, `/marketplace/${p.id}/renew`)} class="mb-3" id="renew">
              <CsrfField ctx={ctx} />
              <p class="mb-1">{t('marketplace.renewHint')}</p>
              <button type="submit" class="btn btn-primary">
                {t('marketplace.renew')}
              </button>
            </form>
          )}
          {p.actions.review && (
            <div class="mb-3">
              <h3 class="h5">{t('marketplace.decision')}</h3>
              <ReviewForm ctx={ctx} id={p.id} />
            </div>
          )}
          {p.actions.close && (
            <form method="post" action={href(ctx, `/marketplace/${p.id}/close`)} class="mb-3">
              <CsrfField ctx={ctx} />
              <p class="mb-1">{t('marketplace.closeHint')}</p>
              <button type="submit" class="btn btn-outline-danger">
                {t('marketplace.close')}
              </button>
            </form>
          )}
        </Section>
      )}
    </Layout>
  );
}

export const profileFormValues = (p: ProfileOut): FormValues => ({
  type: p.type,
  titleIt: p.titleIt ?? '',
  titleEn: p.titleEn ?? '',
  summaryIt: p.summaryIt ?? '',
  summaryEn: p.summaryEn ?? '',
  descriptionIt: p.descriptionIt ?? '',
  descriptionEn: p.descriptionEn ?? '',
  innovationIt: p.innovationIt ?? '',
  innovationEn: p.innovationEn ?? '',
  developmentStage: p.developmentStage ?? '',
  trl: p.trl ? String(p.trl) : '',
  iprStatus: p.iprStatus,
  iprComment: p.iprComment ?? '',
  partnershipTypes: p.partnershipTypes,
  partnerCategories: p.partnerCategories,
  partnerSought: p.partnerSought ?? '',
  conceptIds: p.concepts.map((c) => c.id),
  atecoCodes: p.atecoCodes.join(', '),
  deadline: p.deadline ?? '',
  validUntil: p.validUntil ?? '',
  anonymous: p.anonymous ? 'on' : '',
});

export function FormPage({
  ctx,
  id,
  values,
  errors,
  pairs,
  groups,
  returnReason,
}: { ctx: PageContext; id?: string; values: FormValues; errors?: FieldErrors; pairs: PublishOption[]; groups: ConceptGroup[]; returnReason?: string | null }) {
  const { t } = ctx;
  const l = lang(ctx);
  const heading = t(id ? 'marketplace.editTitle' : 'marketplace.newTitle');
  const e = byField(errors);
  const v = (k: string) => str(values[k]);
  const ownerError = e?.organisationId ? { ownerCluster: e.organisationId } : e?.clusterId ? { ownerCluster: e.clusterId } : undefined;
  const crumbs = [{ label: t('marketplace.title'), href: href(ctx, '/marketplace') }, ...(id ? [{ label: v('titleIt') || v('titleEn'), href: href(ctx, `/marketplace/${id}`) }] : []), { label: heading }];
  return (
    <Layout ctx={ctx} title={heading} breadcrumb={crumbs}>
      <h1>{heading}</h1>
      <p>{t('marketplace.newIntro')}</p>
      {returnReason && (
        <div class="alert alert-warning">
          <p class="fw-bold mb-1">{t('marketplace.returnReason')}</p>
          <p class="mb-0">
            {returnReason.split('\n').map((line, i) => (
              <>
                {i > 0 && <br />}
                {line}
              </>
            ))}
          </p>
        </div>
      )}
      {!id && pairs.length === 0 ? (
        <div class="alert alert-info">{t('marketplace.noOrganisation')}</div>
      ) : (
        <>
          <ErrorSummary ctx={ctx} errors={errors} />
          <form method="post" action={href(ctx, id ? `/marketplace/${id}/edit` : '/marketplace/new')} class="mt-5" novalidate>
            <CsrfField ctx={ctx} />
            {!id && typeof values.creationKey === 'string' && values.creationKey && <input type="hidden" name="creationKey" value={values.creationKey} />}
            {/* one organisation and cluster that may publish: chosen for the user (who may belong to others that may not) */}
            {!id && pairs.length === 1 && <input type="hidden" name="ownerCluster" value={`${pairs[0].organisation_id}|${pairs[0].cluster_id}`} />}
            {!id && pairs.length > 1 && (
              <Select
                ctx={ctx}
                name="ownerCluster"
                label={t('marketplace.ownerCluster')}
                emptyLabel={t('marketplace.choose')}
                options={pairs.map((o) => ({ value: `${o.organisation_id}|${o.cluster_id}`, label: `${o.organisation_name} — ${l === 'en' ? o.cluster_name_en : o.cluster_name_it}` }))}
                value={v('ownerCluster')}
                errors={ownerError}
                required
              />
            )}
            <Select
              ctx={ctx}
              name="type"
              label={t('marketplace.type')}
              emptyLabel={t('marketplace.choose')}
              options={profileTypes.map((x) => ({ value: x, label: t(`marketplace.type.${x}`) }))}
              value={v('type')}
              errors={e}
              required
            />
            <p class="form-text">{t('marketplace.languageHint')}</p>
            <div class="row">
              <fieldset class="col-lg-6" lang="it">
                <legend class="h5">{t('marketplace.languageIt')}</legend>
                <Input ctx={ctx} name="titleIt" label={t('marketplace.titleIt')} value={v('titleIt')} errors={e} maxLength={200} />
                <Textarea ctx={ctx} name="summaryIt" label={t('marketplace.summaryIt')} value={v('summaryIt')} errors={e} maxLength={1000} rows={3} />
                <Textarea ctx={ctx} name="descriptionIt" label={t('marketplace.descriptionIt')} value={v('descriptionIt')} errors={e} maxLength={10000} rows={6} />
                <Textarea ctx={ctx} name="innovationIt" label={t('marketplace.innovationIt')} value={v('innovationIt')} errors={e} maxLength={4000} rows={3} />
              </fieldset>
              <fieldset class="col-lg-6" lang="en">
                <legend class="h5">{t('marketplace.languageEn')}</legend>
                <Input ctx={ctx} name="titleEn" label={t('marketplace.titleEn')} value={v('titleEn')} errors={e} maxLength={200} />
                <Textarea ctx={ctx} name="summaryEn" label={t('marketplace.summaryEn')} value={v('summaryEn')} errors={e} maxLength={1000} rows={3} />
                <Textarea ctx={ctx} name="descriptionEn" label={t('marketplace.descriptionEn')} value={v('descriptionEn')} errors={e} maxLength={10000} rows={6} />
                <Textarea ctx={ctx} name="innovationEn" label={t('marketplace.innovationEn')} value={v('innovationEn')} errors={e} maxLength={4000} rows={3} />
              </fieldset>
            </div>
            <h2 class="h4 mt-5 mb-5">{t('marketplace.technical')}</h2>
            <Select
              ctx={ctx}
              name="developmentStage"
              label={t('marketplace.developmentStage')}
              emptyLabel={t('marketplace.notSet')}
              options={developmentStages.map((x) => ({ value: x, label: t(`marketplace.stage.${x}`) }))}
              value={v('developmentStage')}
              errors={e}
            />
            <Select
              ctx={ctx}
              name="trl"
              label={t('marketplace.trl')}
              emptyLabel={t('marketplace.notSet')}
              options={[1, 2, 3, 4, 5, 6, 7, 8, 9].map((n) => ({ value: String(n), label: t('marketplace.trlValue', { trl: n }) }))}
              value={v('trl')}
              errors={e}
            />
            <Checkboxes ctx={ctx} name="iprStatus" legend={t('marketplace.iprStatus')} options={iprStatuses.map((x) => ({ value: x, label: t(`marketplace.ipr.${x}`) }))} value={arr(values.iprStatus)} errors={e} />
            <Textarea ctx={ctx} name="iprComment" label={t('marketplace.iprComment')} value={v('iprComment')} errors={e} maxLength={2000} rows={2} />
            <h2 class="h4 mt-5 mb-5">{t('marketplace.partner')}</h2>
            <Checkboxes
              ctx={ctx}
              name="partnershipTypes"
              legend={t('marketplace.partnershipTypes')}
              options={partnershipTypes.map((x) => ({ value: x, label: t(`marketplace.partnership.${x}`) }))}
              value={arr(values.partnershipTypes)}
              errors={e}
            />
            <Checkboxes
              ctx={ctx}
              name="partnerCategories"
              legend={t('marketplace.partnerCategories')}
              options={partnerCategories.map((x) => ({ value: x, label: t(`organisations.category.${x}`) }))}
              value={arr(values.partnerCategories)}
              errors={e}
            />
            <Textarea ctx={ctx} name="partnerSought" label={t('marketplace.partnerSought')} value={v('partnerSought')} errors={e} maxLength={2000} rows={2} />
            <h2 class="h4 mt-5 mb-5">{t('marketplace.classification')}</h2>
            <ConceptSelect ctx={ctx} groups={groups} name="conceptIds" label={t('marketplace.concepts')} hint={t('marketplace.conceptsHint')} value={arr(values.conceptIds)} multiple errors={e} />
            <Input ctx={ctx} name="atecoCodes" label={t('marketplace.atecoCodes')} hint={t('marketplace.atecoHint')} value={v('atecoCodes')} errors={e} maxLength={300} />
            <h2 class="h4 mt-5 mb-5">{t('marketplace.dates')}</h2>
            <Input ctx={ctx} name="deadline" type="date" label={t('marketplace.deadline')} value={v('deadline')} errors={e} />
            <Input ctx={ctx} name="validUntil" type="date" label={t('marketplace.validUntil')} hint={t('marketplace.validUntilHint')} value={v('validUntil')} errors={e} />
            <div class="form-check mb-4">
              <input id="f-anonymous" type="checkbox" name="anonymous" value="on" checked={v('anonymous') === 'on'} />
              <label for="f-anonymous">{t('marketplace.anonymous')}</label>
            </div>
            <button type="submit" name="action" value="draft" class="btn btn-outline-primary me-2">
              {t('marketplace.saveDraft')}
            </button>
            <button type="submit" name="action" value="submit" class="btn btn-primary me-2">
              {t('marketplace.saveAndSubmit')}
            </button>
            <a class="btn btn-link" href={href(ctx, id ? `/marketplace/${id}` : '/marketplace')}>
              {t('marketplace.cancel')}
            </a>
          </form>
        </>
      )}
    </Layout>
  );
}

function ProfileTable({
  ctx,
  items,
  caption,
  review,
  failed,
  page,
}: { ctx: PageContext; items: ProfileOut[]; caption: string; review?: boolean; failed?: { id: string; values: FormValues; errors: FieldErrors }; page?: number }) {
  const { t } = ctx;
  return (
    <table class="table">
      <caption>{caption}</caption>
      <thead>
        <tr>
          <th scope="col">{t('marketplace.profileTitle')}</th>
          <th scope="col">{t('marketplace.type')}</th>
          <th scope="col">{review ? t('marketplace.owner') : t('marketplace.status')}</th>
          <th scope="col">{review ? t('marketplace.decision') : t('marketplace.validUntil')}</th>
        </tr>
      </thead>
      <tbody>
        {items.map((p) => (
          <tr>
            <th scope="row">
              <a href={href(ctx, `/marketplace/${p.id}`)} lang={titleLang(ctx, p)}>
                {title(ctx, p)}
              </a>
              {review && <Localised ctx={ctx} it={p.summaryIt} en={p.summaryEn} as="div" />}
            </th>
            <td>{t(`marketplace.type.${p.type}`)}</td>
            <td>{review ? (p.owner?.name ?? '') : <StatusBadge ctx={ctx} status={p.status} />}</td>
            <td>
              {review && p.actions.review ? (
                <ReviewForm ctx={ctx} id={p.id} values={failed?.id === p.id ? failed.values : undefined} errors={failed?.id === p.id ? failed.errors : undefined} page={page} />
              ) : review ? (
                <StatusBadge ctx={ctx} status={p.status} />
              ) : (
                formatDate(ctx.locale, p.validUntil)
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** The link to another page of a list: the page only when past the first, the page size only when not the default. */
const listPageHref = (ctx: PageContext, path: string, list: ProfileList) => (n: number) => {
  const qs = new URLSearchParams({ ...(n > 1 ? { page: String(n) } : {}), ...(list.pageSize !== 20 ? { pageSize: String(list.pageSize) } : {}) }).toString();
  return href(ctx, qs ? `${path}?${qs}` : path);
};

export function MinePage({ ctx, list }: { ctx: PageContext; list: ProfileList }) {
  const { t } = ctx;
  const items = list.items;
  return (
    <Layout ctx={ctx} title={t('marketplace.mine')} breadcrumb={[{ label: t('marketplace.title'), href: href(ctx, '/marketplace') }, { label: t('marketplace.mine') }]}>
      <h1>{t('marketplace.mine')}</h1>
      <p>{t('marketplace.mineIntro')}</p>
      <p>
        <a class="btn btn-primary" href={href(ctx, '/marketplace/new')}>
          {t('marketplace.newProfile')}
        </a>
      </p>
      {items.length === 0 ? (
        <p>{t('marketplace.mineEmpty')}</p>
      ) : (
        <ProfileTable ctx={ctx} items={items} caption={t('marketplace.listCaption', { count: list.total })} />
      )}
      <Pagination ctx={ctx} page={list.page} pages={Math.ceil(list.total / list.pageSize)} baseHref={listPageHref(ctx, '/marketplace/mine', list)} />
    </Layout>
  );
}

export function QueuePage({ ctx, list, done, failed }: { ctx: PageContext; list: ProfileList; done?: boolean; failed?: { id: string; values: FormValues; errors: FieldErrors } }) {
  const { t } = ctx;
  const items = list.items;
  return (
    <Layout ctx={ctx} title={t('marketplace.queueTitle')} breadcrumb={[{ label: t('marketplace.queueTitle') }]}>
      <h1>{t('marketplace.queueTitle')}</h1>
      {done && (
        <div class="alert alert-success" role="status">
          {t('marketplace.reviewed')}
        </div>
      )}
      <p>{t('marketplace.queueIntro')}</p>
      <ErrorSummary ctx={ctx} errors={failed?.errors} />
      {items.length === 0 ? (
        <p>{t('marketplace.queueEmpty')}</p>
      ) : (
        <ProfileTable ctx={ctx} items={items} caption={t('marketplace.listCaption', { count: list.total })} review failed={failed} page={list.page} />
      )}
      <Pagination ctx={ctx} page={list.page} pages={Math.ceil(list.total / list.pageSize)} baseHref={listPageHref(ctx, '/staff/marketplace', list)} />
    </Layout>
  );
}
