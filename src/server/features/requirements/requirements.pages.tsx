import { Layout, type PageContext, href } from '../../lib/html.tsx';
import { formatDate } from '../../lib/i18n.ts';
import type { ClusterFacts } from './requirements.queries.ts';
import type { RequirementResult, RequirementStatus } from './requirements.ts';

const icon: Record<RequirementStatus, string> = { met: '✓', not_met: '✗', evidence_missing: '?' };

export function StatusBadge({ ctx, status }: { ctx: PageContext; status: RequirementStatus }) {
  return (
    <span class={`fw-semibold status-${status}`} data-status={status}>
      <span aria-hidden="true">{icon[status]} </span>
      {ctx.t(`requirements.status.${status}`)}
    </span>
  );
}

/** Compact list for the cluster's home page. */
export function RequirementsSummary({ ctx, slug, results }: { ctx: PageContext; slug: string; results: RequirementResult[] }) {
  const met = results.filter((r) => r.status === 'met').length;
  return (
    <section aria-labelledby="requirements-summary-title" class="mb-4">
      <h2 id="requirements-summary-title" class="h4">
        {ctx.t('requirements.summary.title')}
      </h2>
      <p>{ctx.t('requirements.summary.count', { met, total: results.length })}</p>
      <ul class="list-unstyled">
        {results.map((r) => (
          <li data-requirement={r.id}>
            <StatusBadge ctx={ctx} status={r.status} /> — {ctx.t(`requirements.req.${r.id}.title`)}
          </li>
        ))}
      </ul>
      <a href={href(ctx, `/clusters/${slug}/requirements`)}>{ctx.t('requirements.summary.details')}</a>
    </section>
  );
}

function OrgList({ ctx, organisations, count }: { ctx: PageContext; organisations: { id: string; name: string }[]; count: number }) {
  if (organisations.length === 0) return null;
  return (
    <>
      <ul class="mb-1">
        {organisations.map((o) => (
          <li>
            <a href={href(ctx, `/organisations/${o.id}`)}>{o.name}</a>
          </li>
        ))}
      </ul>
      {count > organisations.length && <p class="small">{ctx.t('requirements.more', { count: count - organisations.length })}</p>}
    </>
  );
}

function Facts({ ctx, r }: { ctx: PageContext; r: RequirementResult }) {
  const entries = Object.entries(r.facts).filter(([, v]) => v !== null && v !== '');
  if (!entries.length) return null;
  return (
    <dl class="row mb-0">
      {entries.map(([k, v]) => (
        <>
          <dt class="col-sm-4">{ctx.t(`requirements.fact.${k}`)}</dt>
          <dd class="col-sm-8">{k.endsWith('On') ? formatDate(ctx.locale, String(v)) : String(v)}</dd>
        </>
      ))}
    </dl>
  );
}

export function RequirementCard({ ctx, r }: { ctx: PageContext; r: RequirementResult }) {
  const { t } = ctx;
  return (
    <article class="card-wrapper card-space mb-3" id={`req-${r.id}`} data-requirement={r.id} data-status={r.status}>
      <div class="card card-bg">
        <div class="card-body">
          <h2 class="h5 card-title">
            {t(`requirements.req.${r.id}.title`)} — <StatusBadge ctx={ctx} status={r.status} />
          </h2>
          <p class="card-text">{t(`requirements.req.${r.id}.rule`)}</p>
          {r.value !== undefined && r.threshold !== undefined && (
            <p data-testid={`value-${r.id}`}>{t(`requirements.req.${r.id}.value`, { value: r.value, threshold: r.threshold })}</p>
          )}
          {r.satisfiedBy.organisations.length > 0 && (
            <>
              <h3 class="h6">{t('requirements.satisfiedBy')}</h3>
              <OrgList ctx={ctx} organisations={r.satisfiedBy.organisations} count={r.satisfiedBy.count} />
            </>
          )}
          <Facts ctx={ctx} r={r} />
          {r.issues.map((i) => (
            <div class="mt-2" data-issue={i.reason}>
              <h3 class="h6">{t(`requirements.issue.${i.reason}`, { count: i.count })}</h3>
              <OrgList ctx={ctx} organisations={i.organisations} count={i.count} />
            </div>
          ))}
        </div>
      </div>
    </article>
  );
}

export function RequirementsPage({
  ctx,
  cluster,
  results,
  overall,
}: {
  ctx: PageContext;
  cluster: ClusterFacts;
  results: RequirementResult[];
  overall: RequirementStatus;
}) {
  const { t } = ctx;
  const name = ctx.locale === 'en' ? cluster.name_en : cluster.name_it;
  return (
    <Layout
      ctx={ctx}
      title={t('requirements.page.title')}
      breadcrumb={[
        { label: t('common.nav.clusters'), href: href(ctx, '/clusters') },
        { label: name, href: href(ctx, `/clusters/${cluster.slug}`) },
        { label: t('requirements.page.title') },
      ]}
    >
      <h1>{t('requirements.page.title')}</h1>
      <p class="lead">{name}</p>
      <p>{t('requirements.page.intro')}</p>
      <div class={`alert ${overall === 'met' ? 'alert-success' : overall === 'not_met' ? 'alert-danger' : 'alert-warning'}`} data-overall={overall}>
        {t(`requirements.overall.${overall}`)}
      </div>
      {results.map((r) => (
        <RequirementCard ctx={ctx} r={r} />
      ))}
      <p class="small">
        {t('requirements.page.api')} <a href={`/api/v1/clusters/${cluster.slug}/requirements`}>/api/v1/clusters/{cluster.slug}/requirements</a>
      </p>
    </Layout>
  );
}
