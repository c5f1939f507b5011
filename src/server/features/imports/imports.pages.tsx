import { CsrfField, ErrorSummary, Layout, type PageContext, Select, href } from '../../lib/html.tsx';
import type { FieldErrors } from '../../lib/errors.ts';
import { formatDateTime, translateCode } from '../../lib/i18n.ts';
import type { BatchRecord } from './imports.queries.ts';

type ClusterOption = { id: string; name_it: string; name_en: string };

const MAX_ERRORS_SHOWN = 500;

export function ImportFormPage({ ctx, clusters, errors, clusterId }: { ctx: PageContext; clusters: ClusterOption[]; errors?: FieldErrors; clusterId?: string }) {
  const { t } = ctx;
  return (
    <Layout ctx={ctx} title={t('imports.page.title')} breadcrumb={[{ label: t('common.nav.home'), href: href(ctx, '/') }, { label: t('imports.page.title') }]}>
      <h1>{t('imports.page.title')}</h1>
      <p class="lead">{t('imports.page.intro')}</p>
      <p>
        {t('imports.page.template')} <a href="/api/v1/imports/template.csv">CSV</a> · <a href="/api/v1/imports/template.xlsx">XLSX</a>
      </p>
      <ErrorSummary ctx={ctx} errors={errors} />
      {clusters.length === 0 ? (
        <p class="alert alert-info">{t('imports.page.noCluster')}</p>
      ) : (
        <form method="post" action={href(ctx, '/staff/imports')} enctype="multipart/form-data">
          <CsrfField ctx={ctx} />
          <Select
            ctx={ctx}
            name="clusterId"
            label={t('imports.field.cluster')}
            value={clusterId ?? clusters[0].id}
            errors={errors}
            required
            options={clusters.map((c) => ({ value: c.id, label: ctx.locale === 'en' ? c.name_en : c.name_it }))}
          />
          <div class="mb-4">
            <label for="f-file" class="form-label fw-semibold">
              {t('imports.field.file')} <span class="text-danger">*</span>
            </label>
            <input id="f-file" name="file" type="file" class="form-control" accept=".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" required aria-describedby="f-file-hint" />
            <small id="f-file-hint" class="form-text">
              {t('imports.field.fileHint')}
            </small>
            {errors?.file && (
              <div class="invalid-feedback d-block" data-field="file">
                {translateCode(t, 'imports.error', errors.file, 'common.field.invalid')}
              </div>
            )}
          </div>
          <button type="submit" class="btn btn-primary">
            {t('imports.page.dryRun')}
          </button>
        </form>
      )}
    </Layout>
  );
}

export function ImportBatchPage({ ctx, batch }: { ctx: PageContext; batch: BatchRecord }) {
  const { t } = ctx;
  const applying = batch.status === 'applying';
  const errors = batch.errors.slice(0, MAX_ERRORS_SHOWN);
  return (
    <Layout
      ctx={ctx}
      title={t('imports.batch.title', { file: batch.file_name })}
      breadcrumb={[{ label: t('imports.page.title'), href: href(ctx, '/staff/imports') }, { label: batch.file_name }]}
    >
      <h1>{t('imports.batch.title', { file: batch.file_name })}</h1>
      <p data-status={batch.status}>
        <strong>{t(`imports.status.${batch.status}`)}</strong> · {formatDateTime(ctx.locale, batch.created_at)}
      </p>
      <p>{t('imports.batch.counts', { rows: batch.row_count, valid: batch.valid_count, errors: batch.errors.length })}</p>
      {(applying || batch.status === 'done') && (
        <div class="mb-4" data-auto-refresh={applying ? '3' : undefined}>
          <label for="import-progress" class="form-label">
            {t('imports.batch.progress', { done: batch.progress, total: batch.valid_count })}
          </label>
          <progress id="import-progress" class="w-100" max={Math.max(1, batch.valid_count)} value={batch.progress}>
            {batch.progress}
          </progress>
          {applying && (
            <p>
              <a href={href(ctx, `/staff/imports/${batch.id}`)}>{t('imports.batch.refresh')}</a>
            </p>
          )}
        </div>
      )}
      {batch.status === 'done' && (
        <p class="alert alert-success" role="status">
          {t('imports.batch.done', { created: batch.created_count, updated: batch.updated_count, joined: batch.joined_count, competences: batch.competences_count })}
        </p>
      )}
      {batch.status === 'failed' && <p class="alert alert-danger">{t('imports.batch.failed')}</p>}
      {batch.status === 'validated' && batch.valid_count > 0 && (
        <form method="post" action={href(ctx, `/staff/imports/${batch.id}/apply`)} class="mb-4">
          <CsrfField ctx={ctx} />
          <p>{t('imports.batch.confirmHint', { valid: batch.valid_count })}</p>
          <button type="submit" class="btn btn-primary">
            {t('imports.batch.confirm')}
          </button>
        </form>
      )}
      {batch.errors.length > 0 ? (
        <div class="table-responsive">
          <table class="table table-sm">
            <caption>{t('imports.batch.errorsCaption', { count: batch.errors.length })}</caption>
            <thead>
              <tr>
                <th scope="col">{t('imports.batch.row')}</th>
                <th scope="col">{t('imports.batch.column')}</th>
                <th scope="col">{t('imports.batch.reason')}</th>
              </tr>
            </thead>
            <tbody>
              {errors.map((e) => (
                <tr data-row={e.row}>
                  <td>{e.row}</td>
                  <td>{e.column}</td>
                  <td>{translateCode(t, 'imports.reason', e.reason, 'imports.reason.invalid')}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {batch.errors.length > errors.length && <p>{t('imports.batch.moreErrors', { count: batch.errors.length - errors.length })}</p>}
        </div>
      ) : (
        <p>{t('imports.batch.noErrors')}</p>
      )}
    </Layout>
  );
}
