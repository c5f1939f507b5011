import type { FieldErrors } from '../../lib/errors.ts';
import { Checkbox, CsrfField, ErrorSummary, Input, Layout, Pagination, type PageContext, Radios, Select, Textarea, href } from '../../lib/html.tsx';
import { formatDate, formatDateTime, translateIfKnown } from '../../lib/i18n.ts';
import { categories } from '../organisations/organisations.schemas.ts';
import { type ApplicationView, type Check, type MembershipView, membershipRoles } from './members.schemas.ts';

/** Field codes of this feature translated beside the common ones (common.field.*). */
export function membersContext(ctx: PageContext): PageContext {
  const t: PageContext['t'] = (key, params) => {
    if (key.startsWith('common.field.')) {
      const own = `members.fieldError.${key.slice('common.field.'.length)}`;
      const text = ctx.t(own, params);
      if (text !== own) return text;
    }
    return ctx.t(key, params);
  };
  // A copy that keeps the CSRF token made on demand (a spread would make it, and set its cookie, on every page).
  const copy = Object.defineProperties({}, Object.getOwnPropertyDescriptors(ctx)) as PageContext;
  copy.t = t;
  return copy;
}

export type FormValues = Record<string, string | undefined>;

function Alert({ kind, children }: { kind: 'danger' | 'success' | 'warning' | 'info'; children: any }) {
  return (
    <div class={`alert alert-${kind}`} role={kind === 'danger' ? 'alert' : 'status'}>
      {children}
    </div>
  );
}

// ---------------------------------------------------------------------------------------------
// Application form

export function ApplyPage({
  ctx: base,
  clusterName,
  slug,
  values = {},
  errors,
  conflict,
}: {
  ctx: PageContext;
  clusterName: string;
  slug: string;
  values?: FormValues;
  errors?: FieldErrors;
  conflict?: string;
}) {
  const ctx = membersContext(base);
  const { t } = ctx;
  const v = (name: string) => values[name] ?? '';
  const field = (name: string, label: string, extra: Partial<Parameters<typeof Input>[0]> = {}) => (
    <Input ctx={ctx} name={name} label={label} value={v(name)} errors={errors} {...extra} />
  );
  const declarations = ['operationalSeatInLombardy', 'statute', 'truthfulness', 'privacy'];
  return (
    <Layout
      ctx={ctx}
      title={t('members.apply.title', { cluster: clusterName })}
      breadcrumb={[{ label: t('common.nav.clusters'), href: href(ctx, '/clusters') }, { label: clusterName, href: href(ctx, `/clusters/${slug}`) }, { label: t('common.nav.apply') }]}
    >
      <h1>{t('members.apply.title', { cluster: clusterName })}</h1>
      <p class="lead">{t('members.apply.intro')}</p>
      <p>{t('members.apply.requiredNote')}</p>
      <ErrorSummary ctx={ctx} errors={errors} />
      {conflict && <Alert kind="danger">{t(`members.error.${conflict}`)}</Alert>}
      <form method="post" action={href(ctx, `/clusters/${slug}/apply`)} novalidate>
        <CsrfField ctx={ctx} />
        <fieldset class="mb-4">
          <legend class="h4">{t('members.apply.organisation')}</legend>
          {field('organisation.legalName', t('members.field.legalName'), { required: true, maxLength: 300, autocomplete: 'organization' })}
          <Select
            ctx={ctx}
            name="organisation.category"
            label={t('members.field.category')}
            value={v('organisation.category')}
            errors={errors}
            required
            emptyLabel={t('members.field.categoryChoose')}
            options={categories.map((c) => ({ value: c, label: t(`members.category.${c}`) }))}
          />
          {field('organisation.vatNumber', t('members.field.vatNumber'), { hint: t('members.field.vatNumberHint'), maxLength: 20, inputMode: 'numeric' })}
          {field('organisation.taxCode', t('members.field.taxCode'), { hint: t('members.field.taxCodeHint'), maxLength: 16 })}
          {field('organisation.staffHeadcount', t('members.field.staffHeadcount'), { hint: t('members.field.sizeHint'), inputMode: 'decimal' })}
          {field('organisation.annualTurnoverEur', t('members.field.annualTurnoverEur'), { inputMode: 'decimal' })}
          {field('organisation.balanceSheetEur', t('members.field.balanceSheetEur'), { inputMode: 'decimal' })}
          {field('organisation.website', t('members.field.website'), { type: 'url', maxLength: 300, autocomplete: 'url' })}
          {field('organisation.atecoCodes', t('members.field.atecoCodes'), { hint: t('members.field.atecoCodesHint'), maxLength: 300 })}
          <Textarea
            ctx={ctx}
            name="organisation.description"
            label={t('members.field.description')}
            value={v('organisation.description')}
            errors={errors}
            maxLength={4000}
          />
        </fieldset>
        <fieldset class="mb-4">
          <legend class="h4">{t('members.apply.operationalSeat')}</legend>
          {field('operationalSeat.municipality', t('members.field.municipality'), { required: true, hint: t('members.field.municipalityHint'), maxLength: 120 })}
          {field('operationalSeat.address', t('members.field.address'), { maxLength: 300, autocomplete: 'street-address' })}
        </fieldset>
        <fieldset class="mb-4">
          <legend class="h4">{t('members.apply.legalSeat')}</legend>
          {field('legalSeat.country', t('members.field.country'), { hint: t('members.field.countryHint'), maxLength: 2 })}
          {field('legalSeat.municipality', t('members.field.municipality'), { hint: t('members.field.municipalityHint'), maxLength: 120 })}
          {field('legalSeat.foreignCity', t('members.field.foreignCity'), { maxLength: 120 })}
          {field('legalSeat.address', t('members.field.address'), { maxLength: 300 })}
        </fieldset>
        <fieldset class="mb-4">
          <legend class="h4">{t('members.apply.referent')}</legend>
          {field('referent.name', t('members.field.referentName'), { required: true, maxLength: 200, autocomplete: 'name' })}
          {field('referent.role', t('members.field.referentRole'), { required: true, maxLength: 200, autocomplete: 'organization-title' })}
          {field('referent.email', t('members.field.email'), { required: true, type: 'email', maxLength: 254, autocomplete: 'email' })}
          {field('referent.phone', t('members.field.phone'), { type: 'tel', maxLength: 25, autocomplete: 'tel' })}
        </fieldset>
        <fieldset class="mb-4">
          <legend class="h4">{t('members.apply.declarations')}</legend>
          {declarations.map((d) => (
            <Checkbox
              ctx={ctx}
              name={`declarations.${d}`}
              label={t(`members.declaration.${d}`)}
              checked={values[`declarations.${d}`] === 'on'}
              errors={errors}
              required
            />
          ))}
        </fieldset>
        <button type="submit" class="btn btn-primary">
          {t('members.apply.submit')}
        </button>
      </form>
    </Layout>
  );
}

export function AppliedPage({ ctx, clusterName }: { ctx: PageContext; clusterName: string }) {
  return (
    <Layout ctx={ctx} title={ctx.t('members.applied.title')}>
      <h1>{ctx.t('members.applied.title')}</h1>
      <p class="lead">{ctx.t('members.applied.body', { cluster: clusterName })}</p>
    </Layout>
  );
}

// ---------------------------------------------------------------------------------------------
// Staff queue and decision

function CheckBadges({ ctx, checks, detailed }: { ctx: PageContext; checks: Check[]; detailed?: boolean }) {
  const { t } = ctx;
  const detail = (c: Check) =>
    c.detail
      .split(' ')
      .map((part) => translateIfKnown(t, `members.checkDetail.${part}`) ?? part)
      .join(' ');
  return (
    <ul class="list-unstyled mb-0" data-testid="checks">
      {checks.map((c) => (
        <li class="mb-1" data-check={c.id} data-ok={String(c.ok)}>
          <span class={`badge ${c.ok ? 'bg-success' : 'bg-danger'}`}>
            {c.ok ? '✓' : '✗'} {t(`members.check.${c.id}`)}
            <span class="visually-hidden">: {t(c.ok ? 'members.check.ok' : 'members.check.failed')}</span>
          </span>
          {detailed && <span class="ms-2 small">{detail(c)}</span>}
        </li>
      ))}
    </ul>
  );
}

export function QueuePage({
  ctx,
  list,
  status,
  cluster,
  clusters,
}: {
  ctx: PageContext;
  list: { items: Omit<ApplicationView, 'locale' | 'data' | 'boardMeetingOn' | 'decisionReason' | 'organisationId' | 'membershipId'>[]; page: number; pageSize: number; total: number };
  status: string;
  cluster?: string;
  clusters: { slug: string; name: string }[];
}) {
  const { t } = ctx;
  const pages = Math.max(1, Math.ceil(list.total / list.pageSize));
  const qs = (page: number) =>
    `${href(ctx, '/staff/applications')}?${new URLSearchParams({ status, ...(cluster ? { cluster } : {}), page: String(page) }).toString()}`;
  return (
    <Layout ctx={ctx} title={t('members.queue.title')}>
      <h1>{t('members.queue.title')}</h1>
      <form method="get" action={href(ctx, '/staff/applications')} class="row g-3 align-items-end mb-4">
        <div class="col-md-4">
          <Select
            ctx={ctx}
            name="status"
            label={t('members.queue.filterStatus')}
            value={status}
            options={['submitted', 'approved', 'rejected', 'all'].map((s) => ({ value: s, label: t(`members.status.${s}`) }))}
          />
        </div>
        {clusters.length > 1 && (
          <div class="col-md-4">
            <Select
              ctx={ctx}
              name="cluster"
              label={t('members.queue.filterCluster')}
              value={cluster ?? ''}
              emptyLabel={t('members.queue.anyCluster')}
              options={clusters.map((c) => ({ value: c.slug, label: c.name }))}
            />
          </div>
        )}
        <div class="col-md-4 mb-4">
          <button type="submit" class="btn btn-outline-primary">
            {t('common.form.filter')}
          </button>
        </div>
      </form>
      {list.items.length === 0 ? (
        <p>{t('members.queue.empty')}</p>
      ) : (
        <div class="table-responsive">
          <table class="table">
            <caption>{t('members.queue.caption')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('members.queue.organisation')}</th>
                <th scope="col">{t('members.queue.cluster')}</th>
                <th scope="col">{t('members.queue.submittedAt')}</th>
                <th scope="col">{t('members.queue.checks')}</th>
                <th scope="col">{t('members.queue.status')}</th>
              </tr>
            </thead>
            <tbody>
              {list.items.map((a) => (
                <tr data-application={a.id}>
                  <th scope="row">
                    <a href={href(ctx, `/staff/applications/${a.id}`)}>{a.legalName}</a>
                  </th>
                  <td>{a.cluster.name}</td>
                  <td>{formatDateTime(ctx.locale, a.submittedAt)}</td>
                  <td>
                    <CheckBadges ctx={ctx} checks={a.checks} />
                  </td>
                  <td>{t(`members.status.${a.status}`)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <Pagination ctx={ctx} page={list.page} pages={pages} baseHref={qs} />
    </Layout>
  );
}

function RequirementImpact({ ctx, affected }: { ctx: PageContext; affected: string[] }) {
  const { t } = ctx;
  return (
    <section class="mb-4" aria-labelledby="impact-title" data-testid="impact">
      <h2 class="h4" id="impact-title">
        {t('members.impact.title')}
      </h2>
      {affected.length === 0 ? (
        <p>{t('members.impact.none')}</p>
      ) : (
        <Alert kind="warning">
          <p class="mb-1">{t('members.impact.list')}</p>
          <ul class="mb-0">
            {affected.map((id) => (
              <li data-requirement={id}>{t(`requirements.req.${id}.title`)}</li>
            ))}
          </ul>
        </Alert>
      )}
    </section>
  );
}

function DataList({ ctx, app }: { ctx: PageContext; app: ApplicationView }) {
  const { t } = ctx;
  const d = app.data as Record<string, any>;
  const o = d.organisation ?? {};
  const seat = (s: any) => (s ? [s.address, s.municipality, s.foreignCity, s.country && s.country !== 'IT' ? s.country : null].filter(Boolean).join(', ') : '');
  const rows: [string, string | number | undefined | null][] = [
    [t('members.field.legalName'), o.legalName],
    [t('members.field.category'), o.category ? t(`members.category.${o.category}`) : null],
    [t('members.field.vatNumber'), o.vatNumber ? `${o.vatCountry ?? 'IT'} ${o.vatNumber}` : null],
    [t('members.field.taxCode'), o.taxCode],
    [t('members.field.staffHeadcount'), o.staffHeadcount],
    [t('members.field.annualTurnoverEur'), o.annualTurnoverEur],
    [t('members.field.balanceSheetEur'), o.balanceSheetEur],
    [t('members.field.website'), o.website],
    [t('members.field.atecoCodes'), Array.isArray(o.atecoCodes) ? o.atecoCodes.join(', ') : null],
    [t('members.field.description'), o.description],
    [t('members.apply.operationalSeat'), seat(d.operationalSeat)],
    [t('members.apply.legalSeat'), seat(d.legalSeat)],
    [t('members.field.referentName'), d.referent?.name],
    [t('members.field.referentRole'), d.referent?.role],
    [t('members.field.email'), d.referent?.email],
    [t('members.field.phone'), d.referent?.phone],
  ];
  return (
    <dl class="row" data-testid="submitted-data">
      {rows.map(([label, value]) => (
        <>
          <dt class="col-sm-4">{label}</dt>
          <dd class="col-sm-8">{value === undefined || value === null || value === '' ? t('common.common.unknown') : String(value)}</dd>
        </>
      ))}
    </dl>
  );
}

export function DecisionPage({
  ctx: base,
  app,
  affected,
  values = {},
  errors,
  conflict,
  done,
  canDecide = false,
}: {
  ctx: PageContext;
  app: ApplicationView;
  affected: string[];
  canDecide?: boolean;
  values?: FormValues;
  errors?: FieldErrors;
  conflict?: string;
  done?: string[];
}) {
  const ctx = membersContext(base);
  const { t } = ctx;
  const title = t('members.decision.title', { organisation: app.legalName });
  const decision = values.decision ?? '';
  return (
    <Layout ctx={ctx} title={title} breadcrumb={[{ label: t('members.queue.title'), href: href(ctx, '/staff/applications') }, { label: app.legalName }]}>
      <h1>{title}</h1>
      <p>
        {app.cluster.name} · {t('members.decision.submittedAt', { date: formatDateTime(ctx.locale, app.submittedAt) })} ·{' '}
        <strong>{t(`members.status.${app.status}`)}</strong>
      </p>
      {done && (
        <Alert kind={done.length ? 'warning' : 'success'}>
          {done.length
            ? t('members.impact.done', { list: done.map((id) => t(`requirements.req.${id}.title`)).join('; ') })
            : t('members.membership.saved')}
        </Alert>
      )}
      <section class="mb-4" aria-labelledby="checks-title">
        <h2 class="h4" id="checks-title">
          {t('members.decision.checks')}
        </h2>
        <CheckBadges ctx={ctx} checks={app.checks} detailed />
      </section>
      <section class="mb-4" aria-labelledby="data-title">
        <h2 class="h4" id="data-title">
          {t('members.decision.submittedData')}
        </h2>
        <DataList ctx={ctx} app={app} />
        <p>{t('members.decision.declarations')}</p>
      </section>
      {app.status === 'submitted' && !canDecide ? (
        <>
          <RequirementImpact ctx={ctx} affected={affected} />
          <p data-testid="read-only">{t('members.decision.readOnly')}</p>
        </>
      ) : app.status === 'submitted' ? (
        <>
          <RequirementImpact ctx={ctx} affected={affected} />
          <section aria-labelledby="decision-title">
            <h2 class="h4" id="decision-title">
              {t('members.decision.record')}
            </h2>
            <ErrorSummary ctx={ctx} errors={errors} />
            {conflict && <Alert kind="danger">{t(`members.error.${conflict}`)}</Alert>}
            <form method="post" action={href(ctx, `/staff/applications/${app.id}/decision`)} novalidate>
              <CsrfField ctx={ctx} />
              <Radios
                ctx={ctx}
                name="decision"
                legend={t('members.decision.decision')}
                options={(['approve', 'reject'] as const).map((d) => ({ value: d, label: t(`members.decision.${d}`) }))}
                value={decision}
                required
                errors={errors}
              />
              <Textarea
                ctx={ctx}
                name="reason"
                label={t('members.decision.reason')}
                hint={t('members.decision.reasonHint')}
                value={values.reason}
                errors={errors}
                maxLength={4000}
              />
              <Input
                ctx={ctx}
                name="boardMeetingOn"
                type="date"
                label={t('members.decision.boardMeetingOn')}
                value={values.boardMeetingOn}
                errors={errors}
                required
              />
              <button type="submit" class="btn btn-primary">
                {t('members.decision.submit')}
              </button>
            </form>
          </section>
        </>
      ) : (
        <section class="mb-4" data-testid="decided">
          <p>
            {t('members.decision.decided', {
              status: t(`members.status.${app.status}`),
              date: formatDate(ctx.locale, app.boardMeetingOn),
            })}
          </p>
          {app.decisionReason && <p>{t('members.decision.reasonShown', { reason: app.decisionReason })}</p>}
          {app.membershipId && (
            <p>
              <a href={href(ctx, `/clusters/${app.cluster.slug}/memberships/${app.membershipId}`)}>{t('members.decision.membershipLink')}</a>
            </p>
          )}
        </section>
      )}
    </Layout>
  );
}

// ---------------------------------------------------------------------------------------------
// Membership

export function MembershipPage({
  ctx: base,
  m,
  staff,
  orgAdmin,
  affected,
  values = {},
  errors,
  conflict,
  done,
}: {
  ctx: PageContext;
  m: MembershipView;
  staff: boolean;
  orgAdmin: boolean;
  affected: string[];
  values?: FormValues;
  errors?: FieldErrors;
  conflict?: string;
  done?: string[];
}) {
  const ctx = membersContext(base);
  const { t } = ctx;
  const title = t('members.membership.title', { organisation: m.organisation.legalName });
  const targets = m.status === 'active' ? ['suspended', 'withdrawn'] : m.status === 'suspended' ? ['active', 'withdrawn'] : [];
  const leaderAllowed = m.organisation.category === 'company' || m.organisation.category === 'consortium';
  const base_ = `/clusters/${m.cluster.slug}/memberships/${m.id}`;
  return (
    <Layout ctx={ctx} title={title} breadcrumb={[{ label: m.cluster.name, href: href(ctx, `/clusters/${m.cluster.slug}`) }, { label: m.organisation.legalName }]}>
      <h1>{title}</h1>
      {done && (
        <Alert kind={done.length ? 'warning' : 'success'}>
          {done.length
            ? t('members.impact.done', { list: done.map((id) => t(`requirements.req.${id}.title`)).join('; ') })
            : t('members.membership.saved')}
        </Alert>
      )}
      <dl class="row" data-testid="membership">
        <dt class="col-sm-4">{t('members.membership.status')}</dt>
        <dd class="col-sm-8" data-status={m.status}>
          {t(`members.mstatus.${m.status}`)}
        </dd>
        <dt class="col-sm-4">{t('members.membership.role')}</dt>
        <dd class="col-sm-8">{t(`members.role.${m.role}`)}</dd>
        <dt class="col-sm-4">{t('members.membership.joinedOn')}</dt>
        <dd class="col-sm-8">{formatDate(ctx.locale, m.joinedOn)}</dd>
        {m.leftOn && (
          <>
            <dt class="col-sm-4">{t('members.membership.leftOn')}</dt>
            <dd class="col-sm-8">{formatDate(ctx.locale, m.leftOn)}</dd>
          </>
        )}
        <dt class="col-sm-4">{t('members.membership.leader')}</dt>
        <dd class="col-sm-8">
          {m.isLeaderCompany ? `${t('common.common.yes')}${m.leaderReason ? ` — ${m.leaderReason}` : ''}` : t('common.common.no')}
        </dd>
      </dl>
      {m.events && m.events.length > 0 && (
        <div class="table-responsive mb-4">
          <table class="table">
            <caption>{t('members.membership.caption')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('members.membership.event')}</th>
                <th scope="col">{t('members.membership.decidedOn')}</th>
                <th scope="col">{t('members.membership.reason')}</th>
              </tr>
            </thead>
            <tbody>
              {m.events.map((e) => (
                <tr>
                  <th scope="row">{t(`members.event.${e.kind}`)}</th>
                  <td>{formatDate(ctx.locale, e.decidedOn ?? e.at)}</td>
                  <td>{e.reason ?? ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <ErrorSummary ctx={ctx} errors={errors} />
      {conflict && <Alert kind="danger">{t(`members.error.${conflict}`)}</Alert>}
      {m.status === 'withdrawn' && <p>{t('members.membership.closed')}</p>}
      {targets.length > 0 && (staff || orgAdmin) && (
        <section class="mb-4" aria-labelledby="status-title">
          <h2 class="h4" id="status-title">
            {staff ? t('members.membership.changeStatus') : t('members.membership.withdrawOwn')}
          </h2>
          {!staff && <p>{t('members.membership.withdrawOwnIntro')}</p>}
          {m.status === 'active' && <RequirementImpact ctx={ctx} affected={affected} />}
          <form method="post" action={href(ctx, `${base_}/status`)} novalidate>
            <CsrfField ctx={ctx} />
            {staff ? (
              <Select
                ctx={ctx}
                name="status"
                label={t('members.membership.newStatus')}
                value={values.status}
                errors={errors}
                required
                options={targets.map((s) => ({ value: s, label: t(`members.target.${s}`) }))}
              />
            ) : (
              <input type="hidden" name="status" value="withdrawn" />
            )}
            <Textarea ctx={ctx} name="reason" label={t('members.membership.reason')} value={values.reason} errors={errors} required maxLength={4000} />
            <Input
              ctx={ctx}
              name="decidedOn"
              type="date"
              label={t('members.membership.decidedOn')}
              value={values.decidedOn}
              errors={errors}
              required
            />
            <button type="submit" class="btn btn-primary">
              {t('members.membership.confirm')}
            </button>
          </form>
        </section>
      )}
      {staff && m.status !== 'withdrawn' && (
        <section class="mb-4" aria-labelledby="update-title">
          <h2 class="h4" id="update-title">
            {t('members.membership.leaderForm')} · {t('members.membership.roleForm')}
          </h2>
          <form method="post" action={href(ctx, `${base_}/update`)} novalidate>
            <CsrfField ctx={ctx} />
            {leaderAllowed ? (
              <>
                <input type="hidden" name="leaderShown" value="1" />
                <Checkbox
                  ctx={ctx}
                  name="isLeaderCompany"
                  label={t('members.membership.leaderCheckbox')}
                  checked={values.isLeaderCompany !== undefined ? values.isLeaderCompany === 'on' : m.isLeaderCompany}
                  errors={errors}
                />
                <Textarea
                  ctx={ctx}
                  name="leaderReason"
                  label={t('members.membership.leaderReason')}
                  value={values.leaderReason ?? m.leaderReason ?? ''}
                  errors={errors}
                  maxLength={4000}
                />
              </>
            ) : (
              <p>{t('members.membership.leaderOnlyCompanies')}</p>
            )}
            <Select
              ctx={ctx}
              name="role"
              label={t('members.membership.role')}
              value={values.role ?? m.role}
              errors={errors}
              options={membershipRoles.map((r) => ({ value: r, label: t(`members.role.${r}`) }))}
            />
            <Input ctx={ctx} name="roleReason" label={t('members.membership.roleReason')} value={values.roleReason} errors={errors} maxLength={4000} />
            <button type="submit" class="btn btn-outline-primary">
              {t('members.membership.save')}
            </button>
          </form>
        </section>
      )}
    </Layout>
  );
}
