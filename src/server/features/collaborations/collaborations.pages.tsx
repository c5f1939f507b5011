import type { FieldErrors } from '../../lib/errors.ts';
import { formatDate, formatDateTime } from '../../lib/i18n.ts';
import { CsrfField, ErrorSummary, Input, Layout, type PageContext, Pagination, Radios, Select, Sentence, Textarea, href, langOf } from '../../lib/html.tsx';
import type { ClusterRef } from './collaborations.queries.ts';
import {
  type CollaborationList,
  type CollaborationListQuery,
  type CollaborationOut,
  type InterestList,
  type InterestOut,
  type ReportOut,
  declineReasons,
  interestStatuses,
  outcomes,
  stages,
} from './collaborations.schemas.ts';
import type { interestFormData } from './collaborations.ts';

type Values = Record<string, string>;
const choices = (ctx: PageContext, prefix: string, keys: readonly string[]) => keys.map((k) => ({ value: k, label: ctx.t(`collaborations.${prefix}.${k}`) }));
const flag = (ctx: PageContext, name: string) => new URLSearchParams(ctx.query).get(name) === '1';

/** A user's text with its line breaks kept (the CSP forbids inline styles, so no white-space: pre-line). */
function Lines({ text }: { text: string }) {
  return (
    <>
      {text.split(/\r?\n/).map((line, n) => (n === 0 ? line : [<br />, line]))}
    </>
  );
}

function Notice({ ctx, show, text }: { ctx: PageContext; show: boolean; text: string }) {
  if (!show) return null;
  return (
    <div class="alert alert-success" role="status">
      {text}
    </div>
  );
}

function StatusBadge({ ctx, status }: { ctx: PageContext; status: string }) {
  const cls = status === 'accepted' ? 'bg-success' : status === 'declined' ? 'bg-danger' : status === 'pending' ? 'bg-primary' : 'bg-secondary';
  return <span class={`badge ${cls}`}>{ctx.t(`collaborations.status.${status}`)}</span>;
}

function ContactList({ ctx, contacts }: { ctx: PageContext; contacts: { name: string; email: string }[] }) {
  if (!contacts.length) return <p>{ctx.t('collaborations.noContacts')}</p>;
  return (
    <ul>
      {contacts.map((c) => (
        <li>
          {c.name} — <a href={`mailto:${c.email}`}>{c.email}</a>
        </li>
      ))}
    </ul>
  );
}

/** An organisation named in an interest or a collaboration, linked to its page (to judge who is interested). */
function OrganisationLink({ ctx, party }: { ctx: PageContext; party: { organisationId: string; name: string } }) {
  return <a href={href(ctx, `/organisations/${party.organisationId}`)}>{party.name}</a>;
}

// ---------------------------------------------------------------------------------------------

export function InterestFormPage({
  ctx,
  data,
  values,
  errors,
}: { ctx: PageContext; data: Awaited<ReturnType<typeof interestFormData>>; values: Values; errors?: FieldErrors }) {
  const { t } = ctx;
  const p = data.profile;
  const eligible = data.organisations.filter((o) => o.eligible);
  const heading = t('collaborations.form.title');
  return (
    <Layout ctx={ctx} title={heading} breadcrumb={[{ label: t('collaborations.interests.title'), href: href(ctx, '/interests?box=sent') }, { label: heading }]}>
      <h1>{heading}</h1>
      <section aria-labelledby="profile-heading" class="mb-4">
        <h2 id="profile-heading" class="h4" lang={langOf(ctx, p.titleLang)}>
          {p.title}
        </h2>
        <p class="small">
          {t(`collaborations.profileType.${p.type}`)} · {p.ownerName ?? t('collaborations.anonymousOwner')}
        </p>
        {p.summary && <p lang={langOf(ctx, p.summaryLang)}>{p.summary}</p>}
      </section>
      {data.organisations
        .filter((o) => !o.eligible)
        .map((o) => (
          <p class="alert alert-info" role="note">
            {t(`collaborations.form.notEligible.${o.reason}`, { organisation: o.name })}
          </p>
        ))}
      {data.deadlinePassed ? (
        <p class="alert alert-warning" role="note">
          {t('collaborations.form.error.deadline')}
        </p>
      ) : eligible.length === 0 ? (
        <p>{t('collaborations.form.nobody')}</p>
      ) : (
        <>
          <ErrorSummary ctx={ctx} errors={errors} />
          {errors?.profileId && (
            <p class="alert alert-danger" data-field="profileId">
              {t(`collaborations.form.error.${errors.profileId === 'taken' ? 'taken' : errors.profileId === 'deadline_passed' ? 'deadline' : 'own'}`)}
            </p>
          )}
          <p>{t(p.ownerName ? 'collaborations.form.intro' : 'collaborations.form.introAnonymous')}</p>
          <form method="post" action={href(ctx, `/marketplace/${p.id}/interest`)} novalidate>
            <CsrfField ctx={ctx} />
            {eligible.length > 1 ? (
              <Select
                ctx={ctx}
                name="organisationId"
                label={t('collaborations.form.organisation')}
                options={eligible.map((o) => ({ value: o.id, label: o.name }))}
                emptyLabel={t('collaborations.choose')}
                value={values.organisationId}
                errors={errors}
                required
              />
            ) : (
              <>
                <input type="hidden" name="organisationId" value={eligible[0].id} />
                <p>{t('collaborations.form.asOrganisation', { organisation: eligible[0].name })}</p>
              </>
            )}
            <Textarea
              ctx={ctx}
              name="message"
              label={t('collaborations.form.message')}
              hint={t('collaborations.form.messageHint')}
              value={values.message}
              errors={errors}
              maxLength={4000}
              rows={6}
              required
            />
            <button type="submit" class="btn btn-primary">
              {t('collaborations.form.submit')}
            </button>
          </form>
        </>
      )}
    </Layout>
  );
}

// ---------------------------------------------------------------------------------------------

export function InterestsPage({ ctx, list, box, status }: { ctx: PageContext; list: InterestList; box: 'received' | 'sent'; status?: string }) {
  const { t } = ctx;
  const heading = t('collaborations.interests.title');
  const tab = (b: 'received' | 'sent') => (
    <li class="nav-item">
      <a class={`nav-link${box === b ? ' active' : ''}`} href={href(ctx, `/interests?box=${b}`)} aria-current={box === b ? 'page' : undefined}>
        {t(`collaborations.interests.${b}`)}
      </a>
    </li>
  );
  const pages = Math.max(1, Math.ceil(list.total / list.pageSize));
  return (
    <Layout ctx={ctx} title={heading} breadcrumb={[{ label: heading }]}>
      <h1>{heading}</h1>
      <p>{t('collaborations.interests.intro')}</p>
      <ul class="nav nav-tabs mb-3">
        {tab('received')}
        {tab('sent')}
      </ul>
      <form method="get" action={href(ctx, '/interests')} class="row g-2 align-items-end mb-3">
        <input type="hidden" name="box" value={box} />
        <div class="col-md-4">
          <Select ctx={ctx} name="status" label={t('collaborations.statusLabel')} options={choices(ctx, 'status', interestStatuses)} emptyLabel={t('collaborations.all')} value={status} />
        </div>
        <div class="col-md-2 mb-4">
          <button type="submit" class="btn btn-outline-primary">
            {t('collaborations.filter')}
          </button>
        </div>
      </form>
      {list.items.length === 0 ? (
        <div class="alert alert-info" data-testid="empty">
          <p class="fw-bold">{t('collaborations.interests.empty')}</p>
          <p class="mb-0">{t(`collaborations.interests.emptyHint.${box}`)}</p>
        </div>
      ) : (
        <table class="table">
          <caption>{t(`collaborations.interests.${box}`)}</caption>
          <thead>
            <tr>
              <th scope="col">{t('collaborations.profile')}</th>
              <th scope="col">{t(box === 'sent' ? 'collaborations.owner' : 'collaborations.interested')}</th>
              <th scope="col">{t('collaborations.statusLabel')}</th>
              <th scope="col">{t('collaborations.date')}</th>
            </tr>
          </thead>
          <tbody>
            {list.items.map((i) => (
              <tr>
                <th scope="row">
                  <a href={href(ctx, `/interests/${i.id}`)} lang={langOf(ctx, i.profile.titleLang)}>
                    {i.profile.title}
                  </a>
                </th>
                <td>{box === 'sent' ? (i.owner?.name ?? t('collaborations.anonymousOwner')) : i.interested.name}</td>
                <td>
                  <StatusBadge ctx={ctx} status={i.status} />
                  {i.collaborationId && (
                    <div class="small">
                      <a href={href(ctx, `/collaborations/${i.collaborationId}`)}>{t('collaborations.openCollaboration')}</a>
                    </div>
                  )}
                </td>
                <td>{formatDate(ctx.locale, i.createdAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <Pagination
        ctx={ctx}
        page={list.page}
        pages={pages}
        baseHref={(n) => href(ctx, `/interests?box=${box}${status ? `&status=${status}` : ''}&page=${n}`)}
      />
    </Layout>
  );
}

// ---------------------------------------------------------------------------------------------

export function InterestPage({ ctx, interest: i, values, errors }: { ctx: PageContext; interest: InterestOut; values: Values; errors?: FieldErrors }) {
  const { t } = ctx;
  const heading = t('collaborations.interest.title', { profile: i.profile.title });
  return (
    <Layout
      ctx={ctx}
      title={heading}
      breadcrumb={[{ label: t('collaborations.interests.title'), href: href(ctx, '/interests') }, { label: i.profile.title, lang: langOf(ctx, i.profile.titleLang) }]}
    >
      <h1>
        <Sentence ctx={ctx} message="collaborations.interest.title" name="profile" text={i.profile.title} lang={i.profile.titleLang} />
      </h1>
      <Notice ctx={ctx} show={flag(ctx, 'sent')} text={t('collaborations.interest.sent')} />
      <Notice ctx={ctx} show={flag(ctx, 'decided')} text={t('collaborations.interest.decided')} />
      <Notice ctx={ctx} show={flag(ctx, 'withdrawn')} text={t('collaborations.interest.withdrawnNotice')} />
      <ErrorSummary ctx={ctx} errors={errors} />
      <dl class="row">
        <dt class="col-sm-3">{t('collaborations.profile')}</dt>
        <dd class="col-sm-9">
          <a href={href(ctx, `/marketplace/${i.profile.id}`)} lang={langOf(ctx, i.profile.titleLang)}>
            {i.profile.title}
          </a>{' '}
          ({t(`collaborations.profileType.${i.profile.type}`)})
        </dd>
        <dt class="col-sm-3">{t('collaborations.owner')}</dt>
        <dd class="col-sm-9">{i.owner ? <OrganisationLink ctx={ctx} party={i.owner} /> : t('collaborations.anonymousOwner')}</dd>
        <dt class="col-sm-3">{t('collaborations.interested')}</dt>
        <dd class="col-sm-9">
          <OrganisationLink ctx={ctx} party={i.interested} />
        </dd>
        <dt class="col-sm-3">{t('collaborations.statusLabel')}</dt>
        <dd class="col-sm-9">
          <StatusBadge ctx={ctx} status={i.status} />
        </dd>
        <dt class="col-sm-3">{t('collaborations.date')}</dt>
        <dd class="col-sm-9">{formatDateTime(ctx.locale, i.createdAt)}</dd>
        {i.declineReason && (
          <>
            <dt class="col-sm-3">{t('collaborations.reasonLabel')}</dt>
            <dd class="col-sm-9">
              {t(`collaborations.reason.${i.declineReason}`)}
              {i.declineComment && <div>{i.declineComment}</div>}
            </dd>
          </>
        )}
      </dl>
      <h2 class="h4">{t('collaborations.form.message')}</h2>
      <blockquote class="blockquote">
        <Lines text={i.message} />
      </blockquote>
      {i.contacts && (
        <section aria-labelledby="contacts-heading">
          <h2 id="contacts-heading" class="h4">
            {t('collaborations.contacts')}
          </h2>
          <h3 class="h5">{i.owner?.name}</h3>
          <ContactList ctx={ctx} contacts={i.contacts.owner} />
          <h3 class="h5">{i.interested.name}</h3>
          <ContactList ctx={ctx} contacts={i.contacts.interested} />
        </section>
      )}
      {i.collaborationId && (
        <p>
          <a class="btn btn-primary" href={href(ctx, `/collaborations/${i.collaborationId}`)}>
            {t('collaborations.openCollaboration')}
          </a>
        </p>
      )}
      {i.can.decide && (
        <section aria-labelledby="decision-heading" class="mt-4">
          <h2 id="decision-heading" class="h4 mb-3">
            {t('collaborations.decision.title')}
          </h2>
          <p>{t('collaborations.decision.intro')}</p>
          <form method="post" action={href(ctx, `/interests/${i.id}/decision`)} novalidate>
            <CsrfField ctx={ctx} />
            <Radios
              ctx={ctx}
              name="decision"
              legend={t('collaborations.decision.label')}
              options={(['accept', 'decline'] as const).map((d) => ({ value: d, label: t(`collaborations.decision.${d}`) }))}
              value={values.decision}
              required
              errors={errors}
            />
            <Select
              ctx={ctx}
              name="reason"
              label={t('collaborations.decision.reason')}
              options={choices(ctx, 'reason', declineReasons)}
              emptyLabel={t('collaborations.choose')}
              value={values.reason}
              errors={errors}
            />
            <Textarea ctx={ctx} name="comment" label={t('collaborations.decision.comment')} hint={t('collaborations.decision.commentHint')} value={values.comment} errors={errors} maxLength={2000} rows={3} />
            <button type="submit" class="btn btn-primary">
              {t('collaborations.decision.submit')}
            </button>
          </form>
        </section>
      )}
      {i.can.withdraw && (
        <form method="post" action={href(ctx, `/interests/${i.id}/withdraw`)} class="mt-4">
          <CsrfField ctx={ctx} />
          <button type="submit" class="btn btn-outline-danger">
            {t('collaborations.interest.withdraw')}
          </button>
        </form>
      )}
    </Layout>
  );
}

// ---------------------------------------------------------------------------------------------

export function CollaborationPage({ ctx, collaboration: c, values, errors }: { ctx: PageContext; collaboration: CollaborationOut; values: Values; errors?: FieldErrors }) {
  const { t } = ctx;
  const heading = t('collaborations.collaboration.title', { owner: c.owner.name, partner: c.partner.name });
  return (
    <Layout ctx={ctx} title={heading} breadcrumb={[{ label: t('collaborations.interests.title'), href: href(ctx, '/interests') }, { label: heading }]}>
      <h1>{heading}</h1>
      <Notice ctx={ctx} show={flag(ctx, 'updated')} text={t('collaborations.collaboration.updated')} />
      <ErrorSummary ctx={ctx} errors={errors} />
      <dl class="row">
        <dt class="col-sm-3">{t('collaborations.profile')}</dt>
        <dd class="col-sm-9">
          <a href={href(ctx, `/marketplace/${c.profile.id}`)} lang={langOf(ctx, c.profile.titleLang)}>
            {c.profile.title}
          </a>{' '}
          ({t(`collaborations.profileType.${c.profile.type}`)})
        </dd>
        <dt class="col-sm-3">{t('collaborations.cluster')}</dt>
        <dd class="col-sm-9">{c.cluster.name}</dd>
        <dt class="col-sm-3">{t('collaborations.stageLabel')}</dt>
        <dd class="col-sm-9">{t(`collaborations.stage.${c.stage}`)}</dd>
        <dt class="col-sm-3">{t('collaborations.outcomeLabel')}</dt>
        <dd class="col-sm-9">{t(`collaborations.outcome.${c.outcome ?? 'open'}`)}</dd>
        <dt class="col-sm-3">{t('collaborations.opened')}</dt>
        <dd class="col-sm-9">
          {formatDate(ctx.locale, c.createdAt)} ({t('collaborations.days', { days: c.ageDays })})
        </dd>
      </dl>
      <section aria-labelledby="contacts-heading">
        <h2 id="contacts-heading" class="h4">
          {t('collaborations.contacts')}
        </h2>
        <div class="row">
          {[c.owner, c.partner].map((p, n) => (
            <div class="col-md-6">
              <h3 class="h5">
                <OrganisationLink ctx={ctx} party={p} /> <span class="small">({t(n === 0 ? 'collaborations.owner' : 'collaborations.interested')})</span>
              </h3>
              <ContactList ctx={ctx} contacts={p.contacts} />
            </div>
          ))}
        </div>
      </section>
      <section aria-labelledby="history-heading" class="mt-3">
        <h2 id="history-heading" class="h4">
          {t('collaborations.collaboration.history')}
        </h2>
        <ol class="list-unstyled">
          {c.events.map((e) => (
            <li class="mb-2">
              <strong>{formatDateTime(ctx.locale, e.at)}</strong>
              {e.stage && ` · ${t('collaborations.stageLabel')}: ${t(`collaborations.stage.${e.stage}`)}`}
              {e.outcome && ` · ${t('collaborations.outcomeLabel')}: ${t(`collaborations.outcome.${e.outcome}`)}`}
              {e.actorName && <span class="small"> — {e.actorName}</span>}
              {e.note && (
                <div>
                  <Lines text={e.note} />
                </div>
              )}
            </li>
          ))}
        </ol>
      </section>
      {c.canUpdate && (
        <section aria-labelledby="update-heading" class="mt-4">
          <h2 id="update-heading" class="h4 mb-5">
            {t('collaborations.collaboration.update')}
          </h2>
          <form method="post" action={href(ctx, `/collaborations/${c.id}/events`)} novalidate>
            <CsrfField ctx={ctx} />
            <Select ctx={ctx} name="stage" label={t('collaborations.stageLabel')} options={choices(ctx, 'stage', stages)} emptyLabel={t('collaborations.unchanged')} value={values.stage} errors={errors} />
            <Select ctx={ctx} name="outcome" label={t('collaborations.outcomeLabel')} options={choices(ctx, 'outcome', outcomes)} emptyLabel={t('collaborations.unchanged')} value={values.outcome} errors={errors} />
            <Textarea ctx={ctx} name="note" label={t('collaborations.note')} hint={t('collaborations.noteHint')} value={values.note} errors={errors} maxLength={2000} rows={3} />
            <button type="submit" class="btn btn-primary">
              {t('collaborations.collaboration.save')}
            </button>
          </form>
        </section>
      )}
    </Layout>
  );
}

// ---------------------------------------------------------------------------------------------

const clusterOptions = (ctx: PageContext, clusters: ClusterRef[]) => clusters.map((c) => ({ value: c.slug, label: ctx.locale === 'en' ? c.name_en : c.name_it }));

export function CollaborationsListPage({
  ctx,
  list,
  clusters,
  query,
}: { ctx: PageContext; list: CollaborationList; clusters: ClusterRef[]; query: CollaborationListQuery }) {
  const { t } = ctx;
  const heading = t('collaborations.list.title');
  const pages = Math.max(1, Math.ceil(list.total / list.pageSize));
  const qs = (n: number) =>
    new URLSearchParams({ ...(query.cluster ? { cluster: query.cluster } : {}), ...(query.stage ? { stage: query.stage } : {}), ...(query.outcome ? { outcome: query.outcome } : {}), page: String(n) }).toString();
  return (
    <Layout ctx={ctx} title={heading} breadcrumb={[{ label: heading }]}>
      <h1>{heading}</h1>
      <p>
        <a href={href(ctx, `/staff/collaborations/report${query.cluster ? `?cluster=${encodeURIComponent(query.cluster)}` : ''}`)}>{t('collaborations.report.title')}</a> ·{' '}
        <a href={href(ctx, '/interests?box=received')}>{t('collaborations.list.interestsLink')}</a>
      </p>
      <form method="get" action={href(ctx, '/staff/collaborations')} class="row g-2 align-items-end mb-3">
        <div class="col-md-4">
          <Select ctx={ctx} name="cluster" label={t('collaborations.cluster')} options={clusterOptions(ctx, clusters)} emptyLabel={t('collaborations.all')} value={query.cluster} />
        </div>
        <div class="col-md-3">
          <Select ctx={ctx} name="stage" label={t('collaborations.stageLabel')} options={choices(ctx, 'stage', stages)} emptyLabel={t('collaborations.all')} value={query.stage} />
        </div>
        <div class="col-md-3">
          <Select ctx={ctx} name="outcome" label={t('collaborations.outcomeLabel')} options={choices(ctx, 'outcome', ['open', ...outcomes])} emptyLabel={t('collaborations.all')} value={query.outcome} />
        </div>
        <div class="col-md-2 mb-4">
          <button type="submit" class="btn btn-outline-primary">
            {t('collaborations.filter')}
          </button>
        </div>
      </form>
      {list.items.length === 0 ? (
        <div class="alert alert-info" data-testid="empty">
          <p class="fw-bold">{t('collaborations.list.empty')}</p>
          <p class="mb-0">{t('collaborations.list.emptyHint')}</p>
        </div>
      ) : (
        <table class="table">
          <caption>{t('collaborations.list.caption', { count: list.total })}</caption>
          <thead>
            <tr>
              <th scope="col">{t('collaborations.profile')}</th>
              <th scope="col">{t('collaborations.parties')}</th>
              <th scope="col">{t('collaborations.cluster')}</th>
              <th scope="col">{t('collaborations.stageLabel')}</th>
              <th scope="col">{t('collaborations.outcomeLabel')}</th>
              <th scope="col">{t('collaborations.age')}</th>
            </tr>
          </thead>
          <tbody>
            {list.items.map((c) => (
              <tr>
                <th scope="row">
                  <a href={href(ctx, `/collaborations/${c.id}`)} lang={langOf(ctx, c.profile.titleLang)}>
                    {c.profile.title}
                  </a>
                </th>
                <td>
                  {c.owner.name} ↔ {c.partner.name}
                </td>
                <td>{c.cluster.name}</td>
                <td>{t(`collaborations.stage.${c.stage}`)}</td>
                <td>{t(`collaborations.outcome.${c.outcome ?? 'open'}`)}</td>
                <td>{t('collaborations.days', { days: c.ageDays })}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <Pagination ctx={ctx} page={list.page} pages={pages} baseHref={(n) => href(ctx, `/staff/collaborations?${qs(n)}`)} />
    </Layout>
  );
}

// ---------------------------------------------------------------------------------------------

function CountTable({ ctx, caption, prefix, rows }: { ctx: PageContext; caption: string; prefix: string; rows: { key: string; count: number }[] }) {
  return (
    <table class="table table-sm w-auto">
      <caption>{caption}</caption>
      <thead>
        <tr>
          <th scope="col">{ctx.t('collaborations.csv.label')}</th>
          <th scope="col" class="text-end">
            {ctx.t('collaborations.report.count')}
          </th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr>
            <th scope="row">{ctx.t(`collaborations.${prefix}.${r.key}`)}</th>
            <td class="text-end" data-key={`${prefix}.${r.key}`}>
              {r.count}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function ReportPage({
  ctx,
  clusters,
  report,
  values,
  errors,
}: { ctx: PageContext; clusters: ClusterRef[]; report: ReportOut | null; values: Values; errors?: FieldErrors }) {
  const { t } = ctx;
  const heading = t('collaborations.report.title');
  const csv = report
    ? `/api/v1/collaborations/report.csv?${new URLSearchParams({ ...(report.cluster ? { cluster: report.cluster.slug } : {}), from: report.from, to: report.to, lang: ctx.locale })}`
    : null;
  return (
    <Layout ctx={ctx} title={heading} breadcrumb={[{ label: t('collaborations.list.title'), href: href(ctx, '/staff/collaborations') }, { label: heading }]}>
      <h1>{heading}</h1>
      <p>{t('collaborations.report.intro')}</p>
      <ErrorSummary ctx={ctx} errors={errors} />
      <form method="get" action={href(ctx, '/staff/collaborations/report')} class="row g-2 align-items-end mb-3" novalidate>
        <div class="col-md-4">
          <Select
            ctx={ctx}
            name="cluster"
            label={t('collaborations.cluster')}
            options={clusterOptions(ctx, clusters)}
            emptyLabel={clusters.length > 1 ? t('collaborations.report.allClusters') : undefined}
            value={values.cluster || report?.cluster?.slug}
            errors={errors}
          />
        </div>
        <div class="col-md-3">
          <Input ctx={ctx} name="from" type="date" label={t('collaborations.report.from')} value={values.from || report?.from} errors={errors} />
        </div>
        <div class="col-md-3">
          <Input ctx={ctx} name="to" type="date" label={t('collaborations.report.to')} value={values.to || report?.to} errors={errors} />
        </div>
        <div class="col-md-2 mb-4">
          <button type="submit" class="btn btn-outline-primary">
            {t('collaborations.report.show')}
          </button>
        </div>
      </form>
      {report && (
        <>
          <h2 class="h4">
            {report.cluster?.name ?? t('collaborations.report.allClusters')}: {formatDate(ctx.locale, report.from)} – {formatDate(ctx.locale, report.to)}
          </h2>
          <p>
            {t('collaborations.report.totals', { collaborations: report.totals.collaborations, interests: report.totals.interests, declines: report.totals.declines })}
          </p>
          {csv && (
            <p>
              <a class="btn btn-outline-primary btn-sm" href={csv} download>
                {t('collaborations.report.csv')}
              </a>
            </p>
          )}
          <div class="row">
            <div class="col-md-6">
              <CountTable ctx={ctx} caption={t('collaborations.report.byStage')} prefix="stage" rows={report.stages} />
              <CountTable ctx={ctx} caption={t('collaborations.report.byOutcome')} prefix="outcome" rows={report.outcomes} />
            </div>
            <div class="col-md-6">
              <CountTable ctx={ctx} caption={t('collaborations.report.byStatus')} prefix="status" rows={report.interests} />
              <CountTable ctx={ctx} caption={t('collaborations.report.byReason')} prefix="reason" rows={report.declines} />
            </div>
          </div>
        </>
      )}
    </Layout>
  );
}
