import type { FieldErrors } from '../../lib/errors.ts';
import { CsrfField, DecisionForm, ErrorSummary, Input, Layout, type PageContext, Pagination, Select, Textarea, href } from '../../lib/html.tsx';
import { formatDate } from '../../lib/i18n.ts';
import { type OrganisationProjectOut, type QueueItemOut, type QueueOut, languages, participantRoles, programmes } from './projects.schemas.ts';

export type FormValues = Record<string, string>;
export const formFields = ['programme', 'reference', 'acronym', 'title', 'summary', 'language', 'url', 'startDate', 'endDate'] as const;

export const notices = ['declared', 'declaredValidated', 'linked', 'updated', 'removed', 'removedDeleted', 'resubmitted'] as const;
export type Notice = (typeof notices)[number];

type ListData = { organisation: { id: string; name: string; isPublic: boolean }; items: OrganisationProjectOut[]; canManage: boolean; editableIds: string[] };

const options = (ctx: PageContext, prefix: string, values: readonly string[]) => values.map((v) => ({ value: v, label: ctx.t(`projects.${prefix}.${v}`) }));

function Period({ ctx, p }: { ctx: PageContext; p: { startDate: string | null; endDate: string | null } }) {
  if (!p.startDate && !p.endDate) return <>—</>;
  return (
    <>
      {formatDate(ctx.locale, p.startDate)} – {formatDate(ctx.locale, p.endDate)}
    </>
  );
}

/** The acronym, linked to the project's own page when it has one, and the title marked with its language. */
function ProjectName({ ctx, p }: { ctx: PageContext; p: { acronym: string; url: string | null; title: string; language: string } }) {
  return (
    <>
      {p.url ? (
        <a href={p.url} rel="nofollow noopener">
          {p.acronym}
        </a>
      ) : (
        p.acronym
      )}
      <div class="small fw-normal" lang={p.language !== ctx.locale ? p.language : undefined}>
        {p.title}
      </div>
    </>
  );
}

/** Where the staff's check of a participation stands, with the reason of a rejection. */
function ParticipationStatus({ ctx, p }: { ctx: PageContext; p: OrganisationProjectOut }) {
  if (p.status === 'validated') return <span data-status={p.status}>{ctx.t('projects.status.validated')}</span>;
  return (
    <div class="small" data-status={p.status}>
      <span class={`badge ${p.status === 'rejected' ? 'bg-danger' : 'bg-warning text-dark'}`}>{ctx.t(`projects.status.${p.status}`)}</span>
      {p.status === 'rejected' && p.reviewNote && <span class="ms-1">{ctx.t('projects.rejectedBecause', { note: p.reviewNote })}</span>}
    </div>
  );
}

/** One action on a row, posted with its CSRF token; the subject names the row to assistive technology. */
function RowAction({ ctx, action, label, subject, style }: { ctx: PageContext; action: string; label: string; subject: string; style: string }) {
  return (
    <form method="post" action={href(ctx, action)}>
      <CsrfField ctx={ctx} />
      <button type="submit" class={`btn btn-sm ${style}`}>
        {label}
        <span class="visually-hidden"> {subject}</span>
      </button>
    </form>
  );
}

/** The projects of one organisation; with `manage`, each row carries its edit link (when the reader may) and removal form. */
function ProjectsTable({ ctx, organisationId, items, manage, editableIds = [] }: { ctx: PageContext; organisationId: string; items: OrganisationProjectOut[]; manage: boolean; editableIds?: string[] }) {
  const { t } = ctx;
  // Only the organisation's managers and the staff see participations that are not validated, so only they get the column.
  const withStatus = items.some((p) => p.status !== 'validated');
  return (
    <table class="table">
      <caption class="visually-hidden">{t('projects.caption', { count: items.length })}</caption>
      <thead>
        <tr>
          <th scope="col">{t('projects.col.project')}</th>
          {withStatus && <th scope="col">{t('projects.col.status')}</th>}
          <th scope="col">{t('projects.col.programme')}</th>
          <th scope="col">{t('projects.col.dates')}</th>
          <th scope="col">{t('projects.col.role')}</th>
          <th scope="col">{t('projects.col.partners')}</th>
          {manage && <th scope="col">{t('projects.col.actions')}</th>}
        </tr>
      </thead>
      <tbody>
        {items.map((p) => (
          <tr data-project={p.id}>
            <th scope="row">
              <ProjectName ctx={ctx} p={p} />
            </th>
            {withStatus && (
              <td>
                <ParticipationStatus ctx={ctx} p={p} />
              </td>
            )}
            <td>
              {t(`projects.programme.${p.programme}`)}
              {p.reference && <div class="small">{t('projects.reference', { reference: p.reference })}</div>}
            </td>
            <td>
              <Period ctx={ctx} p={p} />
            </td>
            <td>{t(`projects.role.${p.role}`)}</td>
            <td>
              {p.partners.length ? (
                <ul class="list-unstyled mb-0">
                  {p.partners.map((o) => (
                    <li>
                      <a href={href(ctx, `/organisations/${o.organisationId}`)}>{o.name}</a> ({t(`projects.role.${o.role}`)})
                      {o.status !== 'validated' && <span class="badge bg-warning text-dark ms-1">{t(`projects.status.${o.status}`)}</span>}
                    </li>
                  ))}
                </ul>
              ) : (
                <span class="text-muted">{t('projects.noPartners')}</span>
              )}
            </td>
            {manage && (
              <td>
                {editableIds.includes(p.id) && (
                  <a class="btn btn-sm btn-outline-primary mb-1" href={href(ctx, `/organisations/${organisationId}/projects/${p.id}/edit`)}>
                    {t('projects.edit')}
                    <span class="visually-hidden"> {p.acronym}</span>
                  </a>
                )}
                {p.status === 'rejected' && <RowAction ctx={ctx} action={`/organisations/${organisationId}/projects/${p.id}/resubmit`} label={t('projects.resubmit')} subject={p.acronym} style="btn-primary mb-1" />}
                <RowAction ctx={ctx} action={`/organisations/${organisationId}/projects/${p.id}/remove`} label={t('projects.remove')} subject={p.acronym} style="btn-outline-danger" />
              </td>
            )}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** The "Projects" section of an organisation's public page. */
export function ProjectsSection({ ctx, data }: { ctx: PageContext; data: ListData }) {
  const { t } = ctx;
  const manageLink = data.canManage && (
    <p>
      <a class="btn btn-outline-primary" href={href(ctx, `/organisations/${data.organisation.id}/projects`)}>
        {t('projects.manage')}
      </a>
    </p>
  );
  return (
    <section aria-labelledby="projects-heading">
      <h2 class="h4" id="projects-heading">
        {t('projects.section')}
      </h2>
      {data.items.length ? (
        <ProjectsTable ctx={ctx} organisationId={data.organisation.id} items={data.items} manage={false} />
      ) : (
        <div class="alert alert-info">
          <p class="fw-bold">{t('projects.empty')}</p>
          <p class="mb-0">{t('projects.emptyHint')}</p>
        </div>
      )}
      {manageLink}
    </section>
  );
}

function ProjectFields({ ctx, values, errors, withRole }: { ctx: PageContext; values: FormValues; errors?: FieldErrors; withRole: boolean }) {
  const { t } = ctx;
  return (
    <>
      <Select ctx={ctx} name="programme" label={t('projects.field.programme')} options={options(ctx, 'programme', programmes)} emptyLabel={t('projects.choose')} value={values.programme} errors={errors} required />
      <Input ctx={ctx} name="reference" label={t('projects.field.reference')} hint={t('projects.field.referenceHint')} value={values.reference} errors={errors} maxLength={60} />
      <Input ctx={ctx} name="acronym" label={t('projects.field.acronym')} value={values.acronym} errors={errors} required maxLength={60} />
      <Input ctx={ctx} name="title" label={t('projects.field.title')} value={values.title} errors={errors} required maxLength={400} />
      <Textarea ctx={ctx} name="summary" label={t('projects.field.summary')} value={values.summary} errors={errors} maxLength={8000} rows={4} />
      <Select ctx={ctx} name="language" label={t('projects.field.language')} options={options(ctx, 'language', languages)} value={values.language || ctx.locale} errors={errors} required />
      <Input ctx={ctx} name="url" type="url" label={t('projects.field.url')} value={values.url} errors={errors} maxLength={500} />
      <Input ctx={ctx} name="startDate" type="date" label={t('projects.field.startDate')} value={values.startDate} errors={errors} />
      <Input ctx={ctx} name="endDate" type="date" label={t('projects.field.endDate')} value={values.endDate} errors={errors} />
      {withRole && (
        <Select ctx={ctx} name="role" label={t('projects.field.role')} options={options(ctx, 'role', participantRoles)} value={values.role || 'partner'} errors={errors} required />
      )}
    </>
  );
}

/** "Projects of <organisation>": the list with its actions and the declaration form, for those who look after them. */
export function ProjectsPage({ ctx, data, values, errors, notice }: { ctx: PageContext; data: ListData; values?: FormValues; errors?: FieldErrors; notice?: Notice }) {
  const { t } = ctx;
  const title = t('projects.title', { name: data.organisation.name });
  const base = `/organisations/${data.organisation.id}`;
  return (
    <Layout ctx={ctx} title={title} breadcrumb={[{ label: data.organisation.name, href: href(ctx, base) }, { label: t('projects.section') }]}>
      <h1>{title}</h1>
      <p>{t('projects.intro')}</p>
      {notice && (
        <div class={`alert ${notice === 'linked' ? 'alert-info' : 'alert-success'}`} role="status" data-notice={notice}>
          {t(`projects.${notice}${!data.organisation.isPublic && (notice === 'declared' || notice === 'declaredValidated') ? '.notPublic' : ''}`)}
        </div>
      )}
      {!data.organisation.isPublic && (
        <p class="alert alert-warning" data-hint="not-public">
          {t('projects.notPublicHint')}
        </p>
      )}
      <ErrorSummary ctx={ctx} errors={errors} />
      {data.items.length ? (
        <>
          <ProjectsTable ctx={ctx} organisationId={data.organisation.id} items={data.items} manage={data.canManage} editableIds={data.editableIds} />
          {data.items.some((p) => !data.editableIds.includes(p.id)) && <p class="small">{t('projects.editLocked')}</p>}
        </>
      ) : (
        <div class="alert alert-info">
          <p class="fw-bold">{t('projects.empty')}</p>
          <p class="mb-0">{t('projects.emptyManageHint')}</p>
        </div>
      )}
      <h2 class="mt-5">{t('projects.declare')}</h2>
      <p>{t('projects.declareHint')}</p>
      <p>{t('projects.reviewHint')}</p>
      <form method="post" action={href(ctx, `${base}/projects`)} novalidate>
        <CsrfField ctx={ctx} />
        <ProjectFields ctx={ctx} values={values ?? {}} errors={errors} withRole />
        <button type="submit" class="btn btn-primary">
          {t('projects.submit')}
        </button>
      </form>
    </Layout>
  );
}

export const projectFormValues = (p: { programme: string; reference: string | null; acronym: string; title: string; summary: string; language: string; url: string | null; startDate: string | null; endDate: string | null }): FormValues => ({
  programme: p.programme,
  reference: p.reference ?? '',
  acronym: p.acronym,
  title: p.title,
  summary: p.summary,
  language: p.language,
  url: p.url ?? '',
  startDate: p.startDate ?? '',
  endDate: p.endDate ?? '',
});

export function ProjectEditPage({
  ctx,
  organisation,
  projectId,
  acronym,
  values,
  errors,
}: { ctx: PageContext; organisation: { id: string; name: string }; projectId: string; acronym: string; values: FormValues; errors?: FieldErrors }) {
  const { t } = ctx;
  const title = t('projects.editTitle', { acronym });
  const back = `/organisations/${organisation.id}/projects`;
  return (
    <Layout
      ctx={ctx}
      title={title}
      breadcrumb={[{ label: organisation.name, href: href(ctx, `/organisations/${organisation.id}`) }, { label: t('projects.section'), href: href(ctx, back) }, { label: title }]}
    >
      <h1>{title}</h1>
      <p>{t('projects.editHint')}</p>
      <ErrorSummary ctx={ctx} errors={errors} />
      <form method="post" action={href(ctx, `${back}/${projectId}/edit`)} novalidate>
        <CsrfField ctx={ctx} />
        <ProjectFields ctx={ctx} values={values} errors={errors} withRole={false} />
        <button type="submit" class="btn btn-primary">
          {t('projects.save')}
        </button>{' '}
        <a class="btn btn-outline-secondary" href={href(ctx, back)}>
          {t('projects.cancel')}
        </a>
      </form>
    </Layout>
  );
}

export type ReviewFailed = { organisationId: string; projectId: string; values: { decision: string; note: string }; errors: FieldErrors };

function ReviewForm({ ctx, item, failed, page }: { ctx: PageContext; item: QueueItemOut; failed?: ReviewFailed; page: number }) {
  const { t } = ctx;
  const mine = failed && failed.organisationId === item.organisationId && failed.projectId === item.id ? failed : undefined;
  return (
    <DecisionForm
      ctx={ctx}
      action={href(ctx, `/organisations/${item.organisationId}/projects/${item.id}/review`)}
      noteId={`note-${item.organisationId}-${item.id}`}
      note={mine?.values.note}
      errors={mine?.errors}
      labels={{ note: t('projects.reviewNote'), validate: t('projects.validate'), reject: t('projects.reject') }}
      subject={`${item.acronym} · ${item.organisationName}`}
      hidden={{ expectedStatus: 'submitted', projectUpdatedAt: item.updatedAt, page: String(page) }}
    />
  );
}

// 'stale': the declaration was decided by someone else, or the project changed, while the reviewer read it.
export const reviewedNotices = ['validated', 'rejected', 'stale'] as const;

// CORDIS lists the projects of the EU framework programmes under their grant agreement number.
const cordisProgrammes = new Set(['fp7', 'h2020', 'horizon_europe']);

/** The staff's queue: members' declared participations, oldest first, each with its decision form. */
export function ReviewQueuePage({ ctx, queue, failed, reviewed }: { ctx: PageContext; queue: QueueOut; failed?: ReviewFailed; reviewed?: (typeof reviewedNotices)[number] }) {
  const { t } = ctx;
  const title = t('projects.queueTitle');
  return (
    <Layout ctx={ctx} title={title} breadcrumb={[{ label: title }]}>
      <h1>{title}</h1>
      <p>{t('projects.queueIntro')}</p>
      {reviewed && (
        <div class={`alert ${reviewed === 'stale' ? 'alert-warning' : 'alert-success'}`} role="status" data-notice={reviewed}>
          {t(`projects.reviewed.${reviewed}`)}
        </div>
      )}
      <ErrorSummary ctx={ctx} errors={failed?.errors} />
      {queue.items.length === 0 ? (
        <div class="alert alert-info">
          <p class="fw-bold">{t('projects.queueEmpty')}</p>
          <p class="mb-0">{t('projects.queueEmptyHint')}</p>
        </div>
      ) : (
        <table class="table">
          <caption>{t('projects.queueCaption', { count: queue.total })}</caption>
          <thead>
            <tr>
              <th scope="col">{t('projects.col.organisation')}</th>
              <th scope="col">{t('projects.col.project')}</th>
              <th scope="col">{t('projects.col.programme')}</th>
              <th scope="col">{t('projects.col.declared')}</th>
              <th scope="col">{t('projects.col.decision')}</th>
            </tr>
          </thead>
          <tbody>
            {queue.items.map((p) => (
              <tr data-participation={`${p.organisationId}:${p.id}`}>
                <th scope="row">
                  <a href={href(ctx, `/organisations/${p.organisationId}`)}>{p.organisationName}</a>
                  <div class="small fw-normal">{t(`projects.role.${p.role}`)}</div>
                </th>
                <td>
                  <ProjectName ctx={ctx} p={p} />
                  <div class="small">
                    <Period ctx={ctx} p={p} />
                  </div>
                </td>
                <td>
                  {t(`projects.programme.${p.programme}`)}
                  {p.reference && <div class="small">{t('projects.reference', { reference: p.reference })}</div>}
                  {p.reference && cordisProgrammes.has(p.programme) && /^\d+$/.test(p.reference) && (
                    <a class="small" href={`https://cordis.europa.eu/project/id/${p.reference}`} rel="noopener">
                      {t('projects.checkOnCordis')}
                      <span class="visually-hidden"> {p.acronym}</span>
                    </a>
                  )}
                </td>
                <td>
                  {formatDate(ctx.locale, p.declaredAt)}
                  {p.declaredBy && <div class="small">{p.declaredBy}</div>}
                </td>
                <td>
                  <ReviewForm ctx={ctx} item={p} failed={failed} page={queue.page} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <Pagination ctx={ctx} page={queue.page} pages={Math.ceil(queue.total / queue.pageSize)} baseHref={(n) => href(ctx, `/staff/projects?page=${n}`)} />
    </Layout>
  );
}
