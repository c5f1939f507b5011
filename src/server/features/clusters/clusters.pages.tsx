import { CsrfField, ErrorSummary, Input, Layout, Localised, type PageContext, Select, Textarea, href } from '../../lib/html.tsx';
import type { FieldErrors } from '../../lib/errors.ts';
import { formatDate } from '../../lib/i18n.ts';
import { RequirementsSummary } from '../requirements/requirements.pages.tsx';
import type { RequirementResult } from '../requirements/requirements.ts';
import type { NewestMember } from './clusters.queries.ts';
import type { ClusterView } from './clusters.schemas.ts';

const nameOf = (ctx: PageContext, c: ClusterView) => (ctx.locale === 'en' ? c.nameEn : c.nameIt);

function ClusterCard({ ctx, c }: { ctx: PageContext; c: ClusterView }) {
  return (
    <div class="card card-bg mb-3" data-cluster={c.slug}>
      <div class="card-body">
        <h3 class="card-title h5">
          <a href={href(ctx, `/clusters/${c.slug}`)}>{nameOf(ctx, c)}</a>
        </h3>
        <p class="card-text">
          {ctx.t('clusters.card.members', { count: c.memberCount })}
          {c.recognitionDecreeNumber &&
            ` · ${ctx.t('clusters.card.decree', { number: c.recognitionDecreeNumber, date: formatDate(ctx.locale, c.recognitionDecreeOn) })}`}
        </p>
      </div>
    </div>
  );
}

export function HomePage({ ctx, clusters }: { ctx: PageContext; clusters: ClusterView[] }) {
  return (
    <Layout ctx={ctx} title={ctx.t('clusters.home.title')}>
      <h1>{ctx.t('clusters.home.title')}</h1>
      <p class="lead">{ctx.t('clusters.home.lead')}</p>
      <ul>
        <li>{ctx.t('clusters.home.point.registry')}</li>
        <li>{ctx.t('clusters.home.point.admission')}</li>
        <li>{ctx.t('clusters.home.point.requirements')}</li>
        <li>{ctx.t('clusters.home.point.api')}</li>
      </ul>
      <h2 class="h3 mt-4">{ctx.t('clusters.home.hosted')}</h2>
      {clusters.length ? clusters.map((c) => <ClusterCard ctx={ctx} c={c} />) : <p>{ctx.t('clusters.list.empty')}</p>}
      <p>
        <a class="btn btn-primary me-2" href={href(ctx, '/organisations')}>
          {ctx.t('clusters.home.directory')}
        </a>
        <a class="btn btn-outline-primary" href={href(ctx, '/clusters')}>
          {ctx.t('clusters.home.allClusters')}
        </a>
      </p>
    </Layout>
  );
}

export function ClusterListPage({ ctx, clusters }: { ctx: PageContext; clusters: ClusterView[] }) {
  return (
    <Layout ctx={ctx} title={ctx.t('clusters.list.title')} breadcrumb={[{ label: ctx.t('common.nav.home'), href: href(ctx, '/') }, { label: ctx.t('clusters.list.title') }]}>
      <h1>{ctx.t('clusters.list.title')}</h1>
      <p>{ctx.t('clusters.list.lead')}</p>
      {clusters.length ? clusters.map((c) => <ClusterCard ctx={ctx} c={c} />) : <p>{ctx.t('clusters.list.empty')}</p>}
    </Layout>
  );
}

function Fact({ label, children }: { label: string; children: unknown }) {
  return (
    <>
      <dt class="col-sm-4">{label}</dt>
      <dd class="col-sm-8">{children as never}</dd>
    </>
  );
}

export function ClusterPage({
  ctx,
  c,
  newest,
  requirements,
  canEdit,
}: {
  ctx: PageContext;
  c: ClusterView;
  newest: NewestMember[];
  requirements: RequirementResult[] | null;
  canEdit: boolean;
}) {
  const t = ctx.t;
  const unknown = <span class="text-muted">{t('clusters.fact.notRecorded')}</span>;
  const date = (d: string | null) => (d ? formatDate(ctx.locale, d) : unknown);
  return (
    <Layout
      ctx={ctx}
      title={nameOf(ctx, c)}
      breadcrumb={[{ label: t('common.nav.home'), href: href(ctx, '/') }, { label: t('clusters.list.title'), href: href(ctx, '/clusters') }, { label: nameOf(ctx, c) }]}
    >
      <h1>{nameOf(ctx, c)}</h1>
      <Localised ctx={ctx} it={c.descriptionIt} en={c.descriptionEn} />
      <p>
        <a class="btn btn-primary me-2 mb-2" href={href(ctx, `/clusters/${c.slug}/members`)}>
          {t('clusters.page.members', { count: c.memberCount })}
        </a>
        <a class="btn btn-outline-primary me-2 mb-2" href={href(ctx, `/clusters/${c.slug}/requirements`)}>
          {t('clusters.page.requirements')}
        </a>
        <a class="btn btn-outline-primary me-2 mb-2" href={href(ctx, `/map?cluster=${c.slug}`)}>
          {t('clusters.page.map')}
        </a>
        <a class="btn btn-outline-primary me-2 mb-2" href={href(ctx, `/coverage?cluster=${c.slug}`)}>
          {t('clusters.page.coverage')}
        </a>
        <a class="btn btn-outline-primary me-2 mb-2" href={href(ctx, `/clusters/${c.slug}/apply`)}>
          {t('clusters.page.apply')}
        </a>
        {canEdit && (
          <a class="btn btn-outline-secondary mb-2" href={href(ctx, `/clusters/${c.slug}/edit`)}>
            {t('clusters.page.edit')}
          </a>
        )}
      </p>
      <section aria-labelledby="facts-title" class="mb-4">
        <h2 id="facts-title" class="h4">
          {t('clusters.page.facts')}
        </h2>
        <dl class="row">
          <Fact label={t('clusters.fact.association')}>{c.associationName ?? unknown}</Fact>
          <Fact label={t('clusters.fact.legalPersonality')}>
            {c.legalPersonality === null ? unknown : c.legalPersonality ? t('common.common.yes') : t('common.common.no')}
            {c.legalPersonalityEvidence && <div class="small">{c.legalPersonalityEvidence}</div>}
          </Fact>
          <Fact label={t('clusters.fact.constitutedOn')}>{date(c.constitutedOn)}</Fact>
          <Fact label={t('clusters.fact.statuteRegistered')}>
            {date(c.statuteRegisteredOn)}
            {c.statuteRegistrationOffice && <div class="small">{c.statuteRegistrationOffice}</div>}
          </Fact>
          <Fact label={t('clusters.fact.partnershipAgreement')}>
            {date(c.partnershipAgreementSignedOn)}
            {c.partnershipAgreementReference && <div class="small">{c.partnershipAgreementReference}</div>}
          </Fact>
          <Fact label={t('clusters.fact.capofila')}>
            {c.capofila ? <a href={href(ctx, `/organisations/${c.capofila.id}`)}>{c.capofila.legalName}</a> : unknown}
          </Fact>
          <Fact label={t('clusters.fact.application')}>
            {c.recognitionApplicationOn
              ? t('clusters.fact.applicationValue', { date: formatDate(ctx.locale, c.recognitionApplicationOn), protocol: c.recognitionApplicationProtocol ?? '—' })
              : unknown}
          </Fact>
          <Fact label={t('clusters.fact.assessment')}>{c.recognitionAssessment ?? unknown}</Fact>
          <Fact label={t('clusters.fact.decree')}>
            {c.recognitionDecreeNumber
              ? t('clusters.card.decree', { number: c.recognitionDecreeNumber, date: formatDate(ctx.locale, c.recognitionDecreeOn) })
              : unknown}
          </Fact>
        </dl>
      </section>
      {requirements && <RequirementsSummary ctx={ctx} slug={c.slug} results={requirements} />}
      <section aria-labelledby="newest-title" class="mb-4">
        <h2 id="newest-title" class="h4">
          {t('clusters.page.newest')}
        </h2>
        {newest.length ? (
          <ul>
            {newest.map((m) => (
              <li>
                <a href={href(ctx, `/organisations/${m.id}`)}>{m.legal_name}</a> — {t(`organisations.role.${m.role}`)},{' '}
                {t('clusters.page.joined', { date: formatDate(ctx.locale, m.joined_on) })}
              </li>
            ))}
          </ul>
        ) : (
          <p>{t('clusters.page.noMembers')}</p>
        )}
        <a href={href(ctx, `/clusters/${c.slug}/members`)}>{t('clusters.page.directory')}</a>
      </section>
    </Layout>
  );
}

export type ClusterFormValues = Record<string, string>;

export function clusterFormValues(c: ClusterView): ClusterFormValues {
  return {
    partnershipAgreementSignedOn: c.partnershipAgreementSignedOn ?? '',
    partnershipAgreementReference: c.partnershipAgreementReference ?? '',
    legalPersonality: c.legalPersonality === null ? '' : c.legalPersonality ? 'yes' : 'no',
    legalPersonalityEvidence: c.legalPersonalityEvidence ?? '',
    capofilaOrganisationId: c.capofila?.id ?? '',
    descriptionIt: c.descriptionIt ?? '',
    descriptionEn: c.descriptionEn ?? '',
  };
}

export function ClusterEditPage({
  ctx,
  c,
  members,
  values,
  errors,
}: {
  ctx: PageContext;
  c: ClusterView;
  members: { id: string; legal_name: string }[];
  values: ClusterFormValues;
  errors?: FieldErrors;
}) {
  const t = ctx.t;
  return (
    <Layout
      ctx={ctx}
      title={t('clusters.edit.title')}
      breadcrumb={[{ label: t('clusters.list.title'), href: href(ctx, '/clusters') }, { label: nameOf(ctx, c), href: href(ctx, `/clusters/${c.slug}`) }, { label: t('clusters.edit.title') }]}
    >
      <h1>{t('clusters.edit.title')}</h1>
      <p>{nameOf(ctx, c)}</p>
      <ErrorSummary ctx={ctx} errors={errors} />
      <form method="post" action={href(ctx, `/clusters/${c.slug}/edit`)} novalidate>
        <CsrfField ctx={ctx} />
        <Input ctx={ctx} name="partnershipAgreementSignedOn" type="date" label={t('clusters.edit.agreementDate')} value={values.partnershipAgreementSignedOn} errors={errors} />
        <Input ctx={ctx} name="partnershipAgreementReference" label={t('clusters.edit.agreementReference')} value={values.partnershipAgreementReference} errors={errors} />
        <Select
          ctx={ctx}
          name="legalPersonality"
          label={t('clusters.fact.legalPersonality')}
          value={values.legalPersonality}
          errors={errors}
          emptyLabel={t('clusters.fact.notRecorded')}
          options={[
            { value: 'yes', label: t('common.common.yes') },
            { value: 'no', label: t('common.common.no') },
          ]}
        />
        <Textarea ctx={ctx} name="legalPersonalityEvidence" label={t('clusters.edit.evidence')} value={values.legalPersonalityEvidence} errors={errors} rows={2} />
        <Select
          ctx={ctx}
          name="capofilaOrganisationId"
          label={t('clusters.fact.capofila')}
          value={values.capofilaOrganisationId}
          errors={errors}
          emptyLabel={t('clusters.fact.notRecorded')}
          options={members.map((m) => ({ value: m.id, label: m.legal_name }))}
        />
        <Textarea ctx={ctx} name="descriptionIt" label={t('clusters.edit.descriptionIt')} value={values.descriptionIt} errors={errors} />
        <Textarea ctx={ctx} name="descriptionEn" label={t('clusters.edit.descriptionEn')} value={values.descriptionEn} errors={errors} />
        <button type="submit" class="btn btn-primary me-2">
          {t('common.form.save')}
        </button>
        <a class="btn btn-outline-secondary" href={href(ctx, `/clusters/${c.slug}`)}>
          {t('common.form.cancel')}
        </a>
      </form>
    </Layout>
  );
}
