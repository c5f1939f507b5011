import { CsrfField, ErrorSummary, Input, Layout, Localised, type PageContext, Pagination, Select, Textarea, href } from '../../lib/html.tsx';
import type { FieldErrors } from '../../lib/errors.ts';
import { formatDate, formatDateTime } from '../../lib/i18n.ts';
import type { ComponentProps } from 'preact';
import type { ClusterView } from '../clusters/clusters.schemas.ts';
import { ProjectsSection } from '../projects/projects.pages.tsx';
import type { DirectoryConcept } from './organisations.ts';
import { type DirectoryPage as DirectoryResult, type DirectoryQuery, type OrganisationDetail, categories, sizeClasses } from './organisations.schemas.ts';

type Options = { provinces: { acronym: string; name: string; region_name: string }[]; sections: { code: string; title_it: string; title_en: string }[] };

const filterKeys = ['q', 'category', 'province', 'sizeClass', 'atecoSection', 'concept'] as const;

export function DirectoryPage({
  ctx,
  query,
  result,
  options,
  cluster,
  concept,
  unknownConcept,
}: {
  ctx: PageContext;
  query: DirectoryQuery;
  result: DirectoryResult;
  options: Options;
  cluster?: ClusterView;
  /** The concept the list is filtered by, if any. */
  concept?: DirectoryConcept | null;
  /** The address named a concept that does not exist: the list is shown without it. */
  unknownConcept?: boolean;
}) {
  const t = ctx.t;
  const base = cluster ? `/clusters/${cluster.slug}/members` : '/organisations';
  const qs = (page: number, without?: (typeof filterKeys)[number]) => {
    const p = new URLSearchParams();
    for (const k of filterKeys) if (query[k] && k !== without) p.set(k, String(query[k]));
    if (page > 1) p.set('page', String(page));
    if (query.pageSize !== 20) p.set('pageSize', String(query.pageSize));
    const s = p.toString();
    return href(ctx, base) + (s ? `?${s}` : '');
  };
  const filtered = filterKeys.some((k) => query[k]);
  const pages = Math.max(1, Math.ceil(result.total / result.pageSize));
  const clusterName = cluster ? (ctx.locale === 'en' ? cluster.nameEn : cluster.nameIt) : '';
  const title = cluster ? t('organisations.directory.clusterTitle', { cluster: clusterName }) : t('organisations.directory.title');
  const conceptLabel = concept ? (ctx.locale === 'en' ? concept.label.en : concept.label.it) : null;
  return (
    <Layout
      ctx={ctx}
      title={title}
      breadcrumb={
        cluster
          ? [{ label: t('clusters.list.title'), href: href(ctx, '/clusters') }, { label: clusterName, href: href(ctx, `/clusters/${cluster.slug}`) }, { label: t('organisations.directory.members') }]
          : [{ label: t('common.nav.home'), href: href(ctx, '/') }, { label: t('organisations.directory.title') }]
      }
    >
      <h1>{title}</h1>
      <p>{t('organisations.directory.lead')}</p>
      {unknownConcept && (
        <div class="alert alert-warning" role="alert" data-testid="directory-concept-unknown">
          {t('organisations.directory.conceptUnknown')}
        </div>
      )}
      {concept && conceptLabel && (
        <div class="callout" data-testid="directory-concept" data-concept={concept.id}>
          <p>{t('organisations.directory.conceptActive', { concept: conceptLabel })}</p>
          <p class="mb-0">
            <a href={qs(1, 'concept')}>{t('organisations.directory.conceptRemove', { concept: conceptLabel })}</a>
          </p>
        </div>
      )}
      <form method="get" action={href(ctx, base)} class="mb-4" role="search" aria-label={t('organisations.directory.filters')}>
        {/* The concept filter comes from links (the map, a concept's page); the form keeps it while other filters change. */}
        {concept && <input type="hidden" name="concept" value={concept.id} />}
        <div class="row">
          <div class="col-md-4">
            <Input ctx={ctx} name="q" type="search" label={t('organisations.directory.q')} value={query.q} />
          </div>
          <div class="col-md-4">
            <Select
              ctx={ctx}
              name="category"
              label={t('organisations.field.category')}
              value={query.category}
              emptyLabel={t('common.form.any')}
              options={categories.map((c) => ({ value: c, label: t(`organisations.category.${c}`) }))}
            />
          </div>
          <div class="col-md-4">
            <Select
              ctx={ctx}
              name="sizeClass"
              label={t('organisations.field.sizeClass')}
              value={query.sizeClass}
              emptyLabel={t('common.form.any')}
              options={sizeClasses.map((s) => ({ value: s, label: t(`organisations.size.${s}`) }))}
            />
          </div>
          <div class="col-md-4">
            <Select
              ctx={ctx}
              name="province"
              label={t('organisations.field.province')}
              value={query.province}
              emptyLabel={t('common.form.any')}
              options={options.provinces.map((p) => ({ value: p.acronym, label: `${p.name} (${p.acronym})` }))}
            />
          </div>
          <div class="col-md-8">
            <Select
              ctx={ctx}
              name="atecoSection"
              label={t('organisations.field.atecoSection')}
              value={query.atecoSection}
              emptyLabel={t('common.form.any')}
              options={options.sections.map((s) => ({ value: s.code, label: `${s.code} – ${ctx.locale === 'en' ? s.title_en : s.title_it}` }))}
            />
          </div>
        </div>
        <button type="submit" class="btn btn-primary me-2">
          {t('common.form.filter')}
        </button>
        {filtered && (
          <a class="btn btn-outline-secondary" href={href(ctx, base)}>
            {t('common.form.reset')}
          </a>
        )}
      </form>
      <p role="status" data-total={result.total}>
        {t('organisations.directory.count', { count: result.total })}
      </p>
      {result.items.length === 0 ? (
        <div class="callout">
          <div class="callout-title">{t('organisations.directory.emptyTitle')}</div>
          <p>{filtered ? t('organisations.directory.emptyFiltered') : t('organisations.directory.empty')}</p>
          {filtered && <a href={href(ctx, base)}>{t('common.form.reset')}</a>}
        </div>
      ) : (
        <div class="table-responsive">
          <table class="table">
            <caption class="visually-hidden">{title}</caption>
            <thead>
              <tr>
                <th scope="col">{t('organisations.field.legalName')}</th>
                <th scope="col">{t('organisations.field.category')}</th>
                <th scope="col">{t('organisations.field.sizeClass')}</th>
                <th scope="col">{t('organisations.field.province')}</th>
                {!cluster && <th scope="col">{t('organisations.directory.clusters')}</th>}
              </tr>
            </thead>
            <tbody>
              {result.items.map((o) => (
                <tr>
                  <th scope="row">
                    <a href={href(ctx, `/organisations/${o.id}`)}>{o.legalName}</a>
                  </th>
                  <td>{o.category ? t(`organisations.category.${o.category}`) : t('common.common.unknown')}</td>
                  <td>{o.sizeClass ? t(`organisations.size.${o.sizeClass}`) : '—'}</td>
                  <td>{o.provinces.length ? o.provinces.join(', ') : '—'}</td>
                  {!cluster && <td>{o.clusters.join(', ')}</td>}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <Pagination ctx={ctx} page={result.page} pages={pages} baseHref={qs} />
    </Layout>
  );
}

export function OrganisationPage({ ctx, org, canEdit, projects }: { ctx: PageContext; org: OrganisationDetail; canEdit: boolean; projects?: ComponentProps<typeof ProjectsSection>['data'] }) {
  const t = ctx.t;
  const dash = '—';
  // Private fields are absent from the public view; the page shows them only to those the domain gave them to.
  const full = org.view === 'full';
  return (
    <Layout ctx={ctx} title={org.legalName} breadcrumb={[{ label: t('organisations.directory.title'), href: href(ctx, '/organisations') }, { label: org.legalName }]}>
      <h1>{org.legalName}</h1>
      {org.shortName && <p class="lead">{org.shortName}</p>}
      {canEdit && (
        <p>
          <a class="btn btn-outline-primary" href={href(ctx, `/organisations/${org.id}/edit`)}>
            {t('organisations.page.edit')}
          </a>{' '}
          <a class="btn btn-outline-primary" href={href(ctx, `/organisations/${org.id}/users`)}>
            {t('organisations.page.users')}
          </a>
        </p>
      )}
      <Localised ctx={ctx} it={org.descriptionIt} en={org.descriptionEn} empty={<p class="text-muted">{t('organisations.page.noDescription')}</p>} />
      <dl class="row">
        <dt class="col-sm-4">{t('organisations.field.category')}</dt>
        <dd class="col-sm-8">{org.category ? t(`organisations.category.${org.category}`) : t('common.common.unknown')}</dd>
        {org.sizeClass && (
          <>
            <dt class="col-sm-4">{t('organisations.field.sizeClass')}</dt>
            <dd class="col-sm-8" data-size={org.sizeClass}>
              {t(`organisations.size.${org.sizeClass}`)}
            </dd>
          </>
        )}
        <dt class="col-sm-4">{t('organisations.field.vatNumber')}</dt>
        <dd class="col-sm-8">{org.vatNumber ? `${org.vatCountry} ${org.vatNumber}` : dash}</dd>
        {full && (
          <>
            <dt class="col-sm-4">{t('organisations.field.taxCode')}</dt>
            <dd class="col-sm-8">{org.taxCode ?? dash}</dd>
            <dt class="col-sm-4">{t('organisations.field.staffHeadcount')}</dt>
            <dd class="col-sm-8">{org.staffHeadcount ?? dash}</dd>
            <dt class="col-sm-4">{t('organisations.field.annualTurnoverEur')}</dt>
            <dd class="col-sm-8">{org.annualTurnoverEur ?? dash}</dd>
            <dt class="col-sm-4">{t('organisations.field.balanceSheetEur')}</dt>
            <dd class="col-sm-8">{org.balanceSheetEur ?? dash}</dd>
          </>
        )}
        <dt class="col-sm-4">{t('organisations.field.website')}</dt>
        <dd class="col-sm-8">{org.website ? <a href={org.website} rel="nofollow noopener">{org.website}</a> : dash}</dd>
      </dl>

      <h2 class="h4">{t('organisations.page.seats')}</h2>
      {org.seats.length ? (
        <table class="table">
          <caption class="visually-hidden">{t('organisations.page.seats')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('organisations.field.seatKind')}</th>
              <th scope="col">{t('organisations.field.municipality')}</th>
              <th scope="col">{t('organisations.field.province')}</th>
              <th scope="col">{t('organisations.field.region')}</th>
              {full && <th scope="col">{t('organisations.field.address')}</th>}
            </tr>
          </thead>
          <tbody>
            {org.seats.map((s) => (
              <tr>
                <th scope="row">{t(`organisations.seat.${s.kind}`)}</th>
                <td>{s.country === 'IT' ? s.municipality : `${s.foreignCity ?? ''} (${s.country})`}</td>
                <td>{s.provinceName ? `${s.provinceName} (${s.province})` : dash}</td>
                <td>{s.region ?? dash}</td>
                {full && <td>{s.address ?? dash}</td>}
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p class="text-muted">{t('organisations.page.noSeats')}</p>
      )}

      <h2 class="h4">{t('organisations.page.ateco')}</h2>
      {org.ateco.length ? (
        <ul>
          {org.ateco.map((a) => (
            <li>
              <strong>{a.code}</strong> – {ctx.locale === 'en' ? a.titleEn : a.titleIt}
              {a.primary && ` (${t('organisations.page.primary')})`}
            </li>
          ))}
        </ul>
      ) : (
        <p class="text-muted">{t('organisations.page.noAteco')}</p>
      )}
      <ul class="list-unstyled">
        <li>
          <a href={href(ctx, `/organisations/${org.id}/competences`)}>{t('organisations.page.competences')}</a>
        </li>
        <li>
          <a href={href(ctx, `/organisations/${org.id}/ingredients`)}>{t('organisations.page.ingredients')}</a>
        </li>
      </ul>

      {projects && <ProjectsSection ctx={ctx} data={projects} />}

      <h2 class="h4">{t('organisations.page.memberships')}</h2>
      {org.memberships.length ? (
        <table class="table">
          <caption class="visually-hidden">{t('organisations.page.memberships')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('organisations.page.cluster')}</th>
              <th scope="col">{t('organisations.page.role')}</th>
              <th scope="col">{t('organisations.page.status')}</th>
              <th scope="col">{t('organisations.page.joined')}</th>
            </tr>
          </thead>
          <tbody>
            {org.memberships.map((m) => (
              <tr>
                <th scope="row">
                  <a href={href(ctx, `/clusters/${m.cluster}`)}>{ctx.locale === 'en' ? m.clusterNameEn : m.clusterNameIt}</a>
                </th>
                <td>
                  {t(`organisations.role.${m.role}`)}
                  {m.leaderCompany && ` · ${t('organisations.page.leader')}`}
                </td>
                <td>{t(`organisations.status.${m.status}`)}</td>
                <td>
                  {formatDate(ctx.locale, m.joinedOn)}
                  {m.leftOn && ` – ${formatDate(ctx.locale, m.leftOn)}`}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p class="text-muted">{t('organisations.page.noMemberships')}</p>
      )}

      {org.history && <h2 class="h4">{t('organisations.page.history')}</h2>}
      {!org.history ? null : org.history.length ? (
        <table class="table">
          <caption class="visually-hidden">{t('organisations.page.history')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('common.common.date')}</th>
              <th scope="col">{t('organisations.page.cluster')}</th>
              <th scope="col">{t('organisations.page.event')}</th>
              <th scope="col">{t('organisations.page.reason')}</th>
            </tr>
          </thead>
          <tbody>
            {org.history.map((e) => (
              <tr>
                <th scope="row">{e.decidedOn ? formatDate(ctx.locale, e.decidedOn) : formatDateTime(ctx.locale, e.at)}</th>
                <td>{e.cluster}</td>
                <td>{t(`organisations.event.${e.kind}`)}</td>
                <td>{e.reason ?? dash}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p class="text-muted">{t('organisations.page.noHistory')}</p>
      )}
    </Layout>
  );
}

export type OrgFormValues = Record<string, string>;
const SEAT_ROWS = 3;

export function orgFormValues(o: OrganisationDetail): OrgFormValues {
  const v: OrgFormValues = {
    legalName: o.legalName,
    shortName: o.shortName ?? '',
    category: o.category ?? '',
    vatCountry: o.vatCountry ?? '',
    vatNumber: o.vatNumber ?? '',
    taxCode: o.taxCode ?? '',
    staffHeadcount: o.staffHeadcount?.toString() ?? '',
    annualTurnoverEur: o.annualTurnoverEur?.toString() ?? '',
    balanceSheetEur: o.balanceSheetEur?.toString() ?? '',
    website: o.website ?? '',
    descriptionIt: o.descriptionIt ?? '',
    descriptionEn: o.descriptionEn ?? '',
    atecoCodes: o.ateco.map((a) => a.code).join(', '),
  };
  o.seats.forEach((s, i) => {
    v[`seats.${i}.kind`] = s.kind;
    v[`seats.${i}.country`] = s.country;
    v[`seats.${i}.municipalityCode`] = s.municipalityCode ?? '';
    v[`seats.${i}.foreignCity`] = s.foreignCity ?? '';
    v[`seats.${i}.address`] = s.address ?? '';
  });
  return v;
}

export function OrganisationEditPage({
  ctx,
  org,
  values,
  errors,
  municipalities,
  canEditCategory,
}: {
  ctx: PageContext;
  org: { id: string; legalName: string };
  values: OrgFormValues;
  errors?: FieldErrors;
  municipalities: { istat_code: string; name: string }[];
  canEditCategory: boolean;
}) {
  const t = ctx.t;
  const seatRows = Math.max(SEAT_ROWS, Object.keys(values).filter((k) => /^seats\.\d+\.kind$/.test(k)).length + 1);
  return (
    <Layout ctx={ctx} title={t('organisations.edit.title')} breadcrumb={[{ label: org.legalName, href: href(ctx, `/organisations/${org.id}`) }, { label: t('organisations.edit.title') }]}>
      <h1>{t('organisations.edit.title')}</h1>
      <p>{org.legalName}</p>
      <ErrorSummary ctx={ctx} errors={errors} />
      <form method="post" action={href(ctx, `/organisations/${org.id}/edit`)} novalidate>
        <CsrfField ctx={ctx} />
        <Input ctx={ctx} name="legalName" label={t('organisations.field.legalName')} value={values.legalName} errors={errors} required maxLength={300} />
        <Input ctx={ctx} name="shortName" label={t('organisations.field.shortName')} value={values.shortName} errors={errors} maxLength={100} />
        {canEditCategory ? (
          <Select
            ctx={ctx}
            name="category"
            label={t('organisations.field.category')}
            value={values.category}
            errors={errors}
            emptyLabel={t('common.common.unknown')}
            options={categories.map((c) => ({ value: c, label: t(`organisations.category.${c}`) }))}
          />
        ) : (
          <dl class="mb-4" data-readonly="category">
            <dt>{t('organisations.field.category')}</dt>
            <dd class="mb-0">{values.category ? t(`organisations.category.${values.category}`) : t('common.common.unknown')}</dd>
            <dd class="small">{t('organisations.edit.categoryStaffOnly')}</dd>
          </dl>
        )}
        <fieldset class="mb-4">
          <legend class="h5">{t('organisations.edit.taxIdentity')}</legend>
          <Input ctx={ctx} name="vatCountry" label={t('organisations.field.vatCountry')} value={values.vatCountry} errors={errors} maxLength={2} hint={t('organisations.edit.vatCountryHint')} />
          <Input ctx={ctx} name="vatNumber" label={t('organisations.field.vatNumber')} value={values.vatNumber} errors={errors} maxLength={20} />
          <Input ctx={ctx} name="taxCode" label={t('organisations.field.taxCode')} value={values.taxCode} errors={errors} maxLength={16} />
        </fieldset>
        <fieldset class="mb-4">
          <legend class="h5">{t('organisations.edit.sme')}</legend>
          <p class="small">{t('organisations.edit.smeHint')}</p>
          <Input ctx={ctx} name="staffHeadcount" label={t('organisations.field.staffHeadcount')} value={values.staffHeadcount} errors={errors} inputMode="decimal" />
          <Input ctx={ctx} name="annualTurnoverEur" label={t('organisations.field.annualTurnoverEur')} value={values.annualTurnoverEur} errors={errors} inputMode="decimal" />
          <Input ctx={ctx} name="balanceSheetEur" label={t('organisations.field.balanceSheetEur')} value={values.balanceSheetEur} errors={errors} inputMode="decimal" />
        </fieldset>
        <Input ctx={ctx} name="website" type="url" label={t('organisations.field.website')} value={values.website} errors={errors} />
        <Textarea ctx={ctx} name="descriptionIt" label={t('organisations.field.descriptionIt')} value={values.descriptionIt} errors={errors} />
        <Textarea ctx={ctx} name="descriptionEn" label={t('organisations.field.descriptionEn')} value={values.descriptionEn} errors={errors} />
        <Input ctx={ctx} name="atecoCodes" label={t('organisations.field.atecoCodes')} value={values.atecoCodes} errors={errors} hint={t('organisations.edit.atecoHint')} />
        <fieldset class="mb-4">
          <legend class="h5">{t('organisations.page.seats')}</legend>
          <p class="small">{t('organisations.edit.seatsHint')}</p>
          <datalist id="municipalities">
            {municipalities.map((m) => (
              <option value={m.istat_code}>{m.name}</option>
            ))}
          </datalist>
          {Array.from({ length: seatRows }, (_, i) => (
            <div class="border rounded p-3 mb-3" role="group" aria-label={t('organisations.edit.seatN', { n: i + 1 })}>
              <Select
                ctx={ctx}
                name={`seats.${i}.kind`}
                label={t('organisations.field.seatKind')}
                value={values[`seats.${i}.kind`] ?? ''}
                errors={errors}
                emptyLabel="—"
                options={[
                  { value: 'legal', label: t('organisations.seat.legal') },
                  { value: 'operational', label: t('organisations.seat.operational') },
                ]}
              />
              <Input ctx={ctx} name={`seats.${i}.municipalityCode`} label={t('organisations.field.municipalityInput')} value={values[`seats.${i}.municipalityCode`]} errors={errors} list="municipalities" />
              <Input ctx={ctx} name={`seats.${i}.address`} label={t('organisations.field.address')} value={values[`seats.${i}.address`]} errors={errors} />
              <Input ctx={ctx} name={`seats.${i}.country`} label={t('organisations.field.country')} value={values[`seats.${i}.country`] || 'IT'} errors={errors} maxLength={2} />
              <Input ctx={ctx} name={`seats.${i}.foreignCity`} label={t('organisations.field.foreignCity')} value={values[`seats.${i}.foreignCity`]} errors={errors} />
            </div>
          ))}
        </fieldset>
        <button type="submit" class="btn btn-primary me-2">
          {t('common.form.save')}
        </button>
        <a class="btn btn-outline-secondary" href={href(ctx, `/organisations/${org.id}`)}>
          {t('common.form.cancel')}
        </a>
      </form>
    </Layout>
  );
}
