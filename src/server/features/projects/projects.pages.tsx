import type { FieldErrors } from '../../lib/errors.ts';
import { CsrfField, ErrorSummary, Input, Layout, type PageContext, Select, Textarea, href } from '../../lib/html.tsx';
import { formatDate } from '../../lib/i18n.ts';
import { type OrganisationProjectOut, languages, participantRoles, programmes } from './projects.schemas.ts';

export type FormValues = Record<string, string>;
export const formFields = ['programme', 'reference', 'acronym', 'title', 'summary', 'language', 'url', 'startDate', 'endDate'] as const;

export const notices = ['declared', 'linked', 'updated', 'removed', 'removedDeleted'] as const;
export type Notice = (typeof notices)[number];

type ListData = { organisation: { id: string; name: string }; items: OrganisationProjectOut[]; canManage: boolean };

const options = (ctx: PageContext, prefix: string, values: readonly string[]) => values.map((v) => ({ value: v, label: ctx.t(`projects.${prefix}.${v}`) }));

function Period({ ctx, p }: { ctx: PageContext; p: OrganisationProjectOut }) {
  if (!p.startDate && !p.endDate) return <>—</>;
  return (
    <>
      {formatDate(ctx.locale, p.startDate)} – {formatDate(ctx.locale, p.endDate)}
    </>
  );
}

/** The projects of one organisation; with `manage`, each row carries its edit link and removal form. */
function ProjectsTable({ ctx, organisationId, items, manage }: { ctx: PageContext; organisationId: string; items: OrganisationProjectOut[]; manage: boolean }) {
  const { t } = ctx;
  return (
    <table class="table">
      <caption class="visually-hidden">{t('projects.caption', { count: items.length })}</caption>
      <thead>
        <tr>
          <th scope="col">{t('projects.col.project')}</th>
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
            </th>
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
                    </li>
                  ))}
                </ul>
              ) : (
                <span class="text-muted">{t('projects.noPartners')}</span>
              )}
            </td>
            {manage && (
              <td>
                <a class="btn btn-sm btn-outline-primary mb-1" href={href(ctx, `/organisations/${organisationId}/projects/${p.id}/edit`)}>
                  {t('projects.edit')}
                  <span class="visually-hidden"> {p.acronym}</span>
                </a>
                <form method="post" action={href(ctx, `/organisations/${organisationId}/projects/${p.id}/remove`)}>
                  <CsrfField ctx={ctx} />
                  <button type="submit" class="btn btn-sm btn-outline-danger">
                    {t('projects.remove')}
                    <span class="visually-hidden"> {p.acronym}</span>
                  </button>
                </form>
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
          {t(`projects.${notice}`)}
        </div>
      )}
      <ErrorSummary ctx={ctx} errors={errors} />
      {data.items.length ? (
        <ProjectsTable ctx={ctx} organisationId={data.organisation.id} items={data.items} manage={data.canManage} />
      ) : (
        <div class="alert alert-info">
          <p class="fw-bold">{t('projects.empty')}</p>
          <p class="mb-0">{t('projects.emptyManageHint')}</p>
        </div>
      )}
      <h2 class="mt-5">{t('projects.declare')}</h2>
      <p>{t('projects.declareHint')}</p>
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
