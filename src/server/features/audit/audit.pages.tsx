import type { FieldErrors } from '../../lib/errors.ts';
import { ErrorSummary, Input, Layout, type PageContext, Pagination, Select, href } from '../../lib/html.tsx';
import { formatDateTime, translateIfKnown } from '../../lib/i18n.ts';
import { summarise } from './audit.ts';
import type { AuditEventOut } from './audit.schemas.ts';

type Item = AuditEventOut & { clusterName: { it: string; en: string } | null };

/** A translated label when the catalog has one, otherwise the raw code. */
const label = (ctx: PageContext, prefix: string, code: string) => translateIfKnown(ctx.t, `audit.${prefix}.${code}`) ?? code;

/** The subject's id, linked to its page when it has one. */
function Subject({ ctx, type, id }: { ctx: PageContext; type: string; id: string }) {
  const page = ({ organisation: `/organisations/${id}`, profile: `/marketplace/${id}`, collaboration: `/collaborations/${id}`, interest: `/interests/${id}` } as Record<string, string>)[type];
  return page ? (
    <a href={href(ctx, page)}>
      <code>{id}</code>
    </a>
  ) : (
    <code>{id}</code>
  );
}

export function AuditPage({
  ctx,
  items,
  total,
  page,
  pageSize,
  filters,
  options,
  errors,
}: {
  ctx: PageContext;
  items: Item[];
  total: number;
  page: number;
  pageSize: number;
  filters: Record<string, string | undefined>;
  options: { actions: string[]; subjectTypes: string[]; clusters: { id: string; name_it: string; name_en: string }[] };
  errors?: FieldErrors;
}) {
  const { t, locale } = ctx;
  // a role's value is the role's own name
  const word = (kind: 'field' | 'value', code: string, field?: string) =>
    translateIfKnown(t, kind === 'value' && field === 'role' ? `accounts.role.${code}` : `audit.${kind}.${code}`);
  const pages = Math.max(1, Math.ceil(total / pageSize));
  const kept = Object.fromEntries(Object.entries(filters).filter(([k, v]) => v && k !== 'page')) as Record<string, string>;
  const pageHref = (p: number) => href(ctx, `/audit?${new URLSearchParams({ ...kept, page: String(p) })}`);
  const any = t('common.form.any');
  return (
    <Layout ctx={ctx} title={t('audit.title')}>
      <h1>{t('audit.title')}</h1>
      <p>{t('audit.intro')}</p>
      <ErrorSummary ctx={ctx} errors={errors} />
      <form method="get" action={href(ctx, '/audit')} class="row g-3 mb-4" role="search">
        <div class="col-md-4">
          <Select
            ctx={ctx}
            name="clusterId"
            label={t('audit.filter.cluster')}
            value={filters.clusterId}
            emptyLabel={any}
            errors={errors}
            options={options.clusters.map((c) => ({ value: c.id, label: locale === 'it' ? c.name_it : c.name_en }))}
          />
        </div>
        <div class="col-md-4">
          <Select ctx={ctx} name="action" label={t('audit.filter.action')} value={filters.action} emptyLabel={any} errors={errors} options={options.actions.map((a) => ({ value: a, label: label(ctx, 'action', a) }))} />
        </div>
        <div class="col-md-4">
          <Select
            ctx={ctx}
            name="subjectType"
            label={t('audit.filter.subjectType')}
            value={filters.subjectType}
            emptyLabel={any}
            errors={errors}
            options={options.subjectTypes.map((s) => ({ value: s, label: label(ctx, 'subject', s) }))}
          />
        </div>
        <div class="col-md-3">
          <Input ctx={ctx} name="from" type="date" label={t('audit.filter.from')} value={filters.from} errors={errors} />
        </div>
        <div class="col-md-3">
          <Input ctx={ctx} name="to" type="date" label={t('audit.filter.to')} value={filters.to} errors={errors} />
        </div>
        <div class="col-md-6 d-flex align-items-end gap-2 mb-4">
          <button type="submit" class="btn btn-primary">
            {t('common.form.filter')}
          </button>
          <a class="btn btn-outline-secondary" href={href(ctx, '/audit')}>
            {t('common.form.reset')}
          </a>
        </div>
      </form>
      {items.length === 0 ? (
        <p>{t('audit.none')}</p>
      ) : (
        <div class="table-responsive">
          <table class="table table-sm">
            <caption>{t('audit.caption', { total })}</caption>
            <thead>
              <tr>
                <th scope="col">{t('audit.col.at')}</th>
                <th scope="col">{t('audit.col.actor')}</th>
                <th scope="col">{t('audit.col.action')}</th>
                <th scope="col">{t('audit.col.subject')}</th>
                <th scope="col">{t('audit.col.cluster')}</th>
                <th scope="col">{t('audit.col.before')}</th>
                <th scope="col">{t('audit.col.after')}</th>
              </tr>
            </thead>
            <tbody>
              {items.map((e) => (
                <tr data-event={e.id}>
                  <th scope="row">
                    <time datetime={e.at}>{formatDateTime(locale, e.at)}</time>
                  </th>
                  <td>{e.actor ? e.actor.name : t('audit.system')}</td>
                  <td data-action={e.action}>{label(ctx, 'action', e.action)}</td>
                  <td>
                    {label(ctx, 'subject', e.subjectType)} <Subject ctx={ctx} type={e.subjectType} id={e.subjectId} />
                  </td>
                  <td>{e.clusterName ? e.clusterName[locale] : ''}</td>
                  <td>{summarise(e.before, word)}</td>
                  <td>{summarise(e.after, word)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <Pagination ctx={ctx} page={page} pages={pages} baseHref={pageHref} />
    </Layout>
  );
}
