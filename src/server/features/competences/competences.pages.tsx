import type { FieldErrors } from '../../lib/errors.ts';
import { CsrfField, DecisionForm, ErrorSummary, Input, Layout, type PageContext, Select, Textarea, fieldError, href } from '../../lib/html.tsx';
import type { ConceptOption } from './competences.ts';
import { type CompetenceOut, type FacilityOut, type QueueOut, competenceKinds, facilityKinds, visibilities } from './competences.schemas.ts';

export type FormValues = Record<string, string>;

type PageData = {
  organisationId: string;
  name: string;
  competences: CompetenceOut[];
  facilities: FacilityOut[];
  canEdit: boolean;
  options: ConceptOption[];
};

const lang = (ctx: PageContext) => (ctx.locale === 'en' ? 'en' : 'it');

function StatusBadge({ ctx, status }: { ctx: PageContext; status: string }) {
  const cls = status === 'validated' ? 'bg-success' : status === 'rejected' ? 'bg-danger' : 'bg-secondary';
  return <span class={`badge ${cls}`}>{ctx.t(`competences.status.${status}`)}</span>;
}

/** The concept select: ATECO suggestions first, then one group per scheme. */
function ConceptSelect({ ctx, options, value, errors, name, label, required }: { ctx: PageContext; options: ConceptOption[]; value?: string; errors?: FieldErrors; name: string; label: string; required?: boolean }) {
  const l = lang(ctx);
  const id = `f-${name}`;
  const error = fieldError(ctx, errors, name);
  const suggested = options.filter((o) => o.suggested);
  const groups = (['stage', 'technology', 'product'] as const).map((s) => ({ scheme: s, items: options.filter((o) => o.scheme === s && !o.suggested) }));
  const opt = (o: ConceptOption) => (
    <option value={o.id} selected={value === o.id}>
      {o.label[l]}
    </option>
  );
  return (
    <div class="select-wrapper mb-4">
      <label for={id}>
        {label}
        {required && <span class="text-danger"> *</span>}
      </label>
      <select id={id} name={name} required={required} class={error ? 'is-invalid' : undefined} aria-invalid={error ? 'true' : undefined} aria-describedby={error ? `${id}-error` : undefined}>
        <option value="">{ctx.t('competences.chooseConcept')}</option>
        {suggested.length > 0 && <optgroup label={ctx.t('competences.suggested')}>{suggested.map(opt)}</optgroup>}
        {groups.map((g) => (
          <optgroup label={ctx.t(`competences.scheme.${g.scheme}`)}>{g.items.map(opt)}</optgroup>
        ))}
      </select>
      {error && (
        <div id={`${id}-error`} class="invalid-feedback d-block">
          {error}
        </div>
      )}
    </div>
  );
}

const choices = (ctx: PageContext, prefix: string, values: readonly string[]) => values.map((v) => ({ value: v, label: ctx.t(`competences.${prefix}.${v}`) }));

function CompetenceFields({ ctx, options, values, errors }: { ctx: PageContext; options: ConceptOption[]; values: FormValues; errors?: FieldErrors }) {
  const { t } = ctx;
  return (
    <>
      <ConceptSelect ctx={ctx} options={options} name="conceptId" label={t('competences.concept')} value={values.conceptId} errors={errors} required />
      <Select ctx={ctx} name="kind" label={t('competences.kind')} options={choices(ctx, 'kinds', competenceKinds)} emptyLabel={t('competences.choose')} value={values.kind} errors={errors} required />
      <Textarea ctx={ctx} name="description" label={t('competences.description')} value={values.description} errors={errors} maxLength={4000} rows={3} />
      <Textarea ctx={ctx} name="evidence" label={t('competences.evidence')} hint={t('competences.evidenceHint')} value={values.evidence} errors={errors} maxLength={2000} rows={2} />
      <Select ctx={ctx} name="visibility" label={t('competences.visibility')} options={choices(ctx, 'visibilities', visibilities)} value={values.visibility || 'public'} errors={errors} required />
    </>
  );
}

function FacilityFields({ ctx, options, values, errors }: { ctx: PageContext; options: ConceptOption[]; values: FormValues; errors?: FieldErrors }) {
  const { t } = ctx;
  return (
    <>
      <Select ctx={ctx} name="kind" label={t('competences.kind')} options={choices(ctx, 'facilityKinds', facilityKinds)} emptyLabel={t('competences.choose')} value={values.kind} errors={errors} required />
      <Input ctx={ctx} name="name" label={t('competences.name')} value={values.name} errors={errors} required maxLength={300} />
      <Textarea ctx={ctx} name="description" label={t('competences.description')} value={values.description} errors={errors} maxLength={4000} rows={3} />
      <Input ctx={ctx} name="certification" label={t('competences.certification')} hint={t('competences.certificationHint')} value={values.certification} errors={errors} maxLength={200} />
      <Input ctx={ctx} name="accreditationReference" label={t('competences.accreditationReference')} value={values.accreditationReference} errors={errors} maxLength={200} />
      <ConceptSelect ctx={ctx} options={options} name="conceptIds" label={t('competences.facilityConcept')} value={values.conceptIds} errors={errors} />
      <Select ctx={ctx} name="visibility" label={t('competences.visibility')} options={choices(ctx, 'visibilities', visibilities)} value={values.visibility || 'public'} errors={errors} required />
    </>
  );
}

export const competenceFormValues = (c: CompetenceOut): FormValues => ({
  conceptId: c.concept.id,
  kind: c.kind,
  description: c.description ?? '',
  evidence: c.evidence ?? '',
  visibility: c.visibility,
});

export const facilityFormValues = (f: FacilityOut): FormValues => ({
  kind: f.kind,
  name: f.name,
  description: f.description ?? '',
  certification: f.certification ?? '',
  accreditationReference: f.accreditationReference ?? '',
  conceptIds: f.conceptIds[0] ?? '',
  visibility: f.visibility,
});

/** Edit form of one declaration: saving sends it back to the staff for validation. */
export function EditPage({
  ctx,
  what,
  organisationId,
  id,
  name,
  options,
  values,
  errors,
}: { ctx: PageContext; what: 'competence' | 'facility'; organisationId: string; id: string; name: string; options: ConceptOption[]; values: FormValues; errors?: FieldErrors }) {
  const { t } = ctx;
  const title = t(what === 'competence' ? 'competences.editCompetence' : 'competences.editFacility');
  const back = `/organisations/${organisationId}/competences`;
  return (
    <Layout ctx={ctx} title={title} breadcrumb={[{ label: t('competences.title', { name }), href: href(ctx, back) }, { label: title }]}>
      <h1>{title}</h1>
      <p>{t('competences.reviewHint')}</p>
      <ErrorSummary ctx={ctx} errors={errors} />
      <form method="post" action={href(ctx, `/organisations/${organisationId}/${what === 'competence' ? 'competences' : 'facilities'}/${id}/edit`)} novalidate>
        <CsrfField ctx={ctx} />
        {what === 'competence' ? (
          <CompetenceFields ctx={ctx} options={options} values={values} errors={errors} />
        ) : (
          <FacilityFields ctx={ctx} options={options} values={values} errors={errors} />
        )}
        <button type="submit" class="btn btn-primary">
          {t('competences.submit')}
        </button>{' '}
        <a class="btn btn-outline-secondary" href={href(ctx, back)}>
          {t('competences.cancel')}
        </a>
      </form>
    </Layout>
  );
}

export function CompetencesPage({ ctx, data, form, values, errors }: { ctx: PageContext; data: PageData; form?: 'competence' | 'facility'; values?: FormValues; errors?: FieldErrors }) {
  const { t } = ctx;
  const l = lang(ctx);
  const title = t('competences.title', { name: data.name });
  const cv = form === 'competence' ? (values ?? {}) : {};
  const ce = form === 'competence' ? errors : undefined;
  const fv = form === 'facility' ? (values ?? {}) : {};
  const fe = form === 'facility' ? errors : undefined;
  const base = `/organisations/${data.organisationId}`;
  return (
    <Layout ctx={ctx} title={title} breadcrumb={[{ label: t('competences.breadcrumb') }]}>
      <h1>{title}</h1>
      <p>{t('competences.intro')}</p>
      <ErrorSummary ctx={ctx} errors={errors} />
      <h2>{t('competences.competences')}</h2>
      {data.competences.length === 0 ? (
        <p>{t('competences.noCompetences')}</p>
      ) : (
        <table class="table">
          <caption>{t('competences.competences')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('competences.concept')}</th>
              <th scope="col">{t('competences.kind')}</th>
              <th scope="col">{t('competences.evidence')}</th>
              <th scope="col">{t('competences.visibility')}</th>
              <th scope="col">{t('competences.statusLabel')}</th>
              {data.canEdit && <th scope="col">{t('competences.actions')}</th>}
            </tr>
          </thead>
          <tbody>
            {data.competences.map((c) => (
              <tr>
                <th scope="row">
                  {c.concept.label[l]}
                  {c.description && <div class="small">{c.description}</div>}
                </th>
                <td>{t(`competences.kinds.${c.kind}`)}</td>
                <td>{c.evidence ?? ''}</td>
                <td>{t(`competences.visibilities.${c.visibility}`)}</td>
                <td>
                  <StatusBadge ctx={ctx} status={c.status} />
                  {c.reviewNote && <div class="small">{c.reviewNote}</div>}
                </td>
                {data.canEdit && (
                  <td>
                    <a class="btn btn-sm btn-outline-primary mb-1" href={href(ctx, `${base}/competences/${c.id}/edit`)}>
                      {t('competences.edit')}
                    </a>
                    <form method="post" action={href(ctx, `${base}/competences/${c.id}/delete`)}>
                      <CsrfField ctx={ctx} />
                      <button type="submit" class="btn btn-sm btn-outline-danger">
                        {t('competences.delete')}
                      </button>
                    </form>
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <h2>{t('competences.facilities')}</h2>
      {data.facilities.length === 0 ? (
        <p>{t('competences.noFacilities')}</p>
      ) : (
        <table class="table">
          <caption>{t('competences.facilities')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('competences.name')}</th>
              <th scope="col">{t('competences.kind')}</th>
              <th scope="col">{t('competences.certification')}</th>
              <th scope="col">{t('competences.visibility')}</th>
              <th scope="col">{t('competences.statusLabel')}</th>
              {data.canEdit && <th scope="col">{t('competences.actions')}</th>}
            </tr>
          </thead>
          <tbody>
            {data.facilities.map((f) => (
              <tr>
                <th scope="row">
                  {f.name}
                  {f.description && <div class="small">{f.description}</div>}
                </th>
                <td>{t(`competences.facilityKinds.${f.kind}`)}</td>
                <td>{[f.certification, f.accreditationReference].filter(Boolean).join(' · ')}</td>
                <td>{t(`competences.visibilities.${f.visibility}`)}</td>
                <td>
                  <StatusBadge ctx={ctx} status={f.status} />
                  {f.reviewNote && <div class="small">{f.reviewNote}</div>}
                </td>
                {data.canEdit && (
                  <td>
                    <a class="btn btn-sm btn-outline-primary mb-1" href={href(ctx, `${base}/facilities/${f.id}/edit`)}>
                      {t('competences.edit')}
                    </a>
                    <form method="post" action={href(ctx, `${base}/facilities/${f.id}/delete`)}>
                      <CsrfField ctx={ctx} />
                      <button type="submit" class="btn btn-sm btn-outline-danger">
                        {t('competences.delete')}
                      </button>
                    </form>
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {data.canEdit && (
        <>
          <h2>{t('competences.addCompetence')}</h2>
          <p>{t('competences.reviewHint')}</p>
          <form method="post" action={href(ctx, `${base}/competences`)} novalidate>
            <CsrfField ctx={ctx} />
            <CompetenceFields ctx={ctx} options={data.options} values={cv} errors={ce} />
            <button type="submit" class="btn btn-primary">
              {t('competences.submit')}
            </button>
          </form>
          <h2 class="mt-5">{t('competences.addFacility')}</h2>
          <form method="post" action={href(ctx, `${base}/facilities`)} novalidate>
            <CsrfField ctx={ctx} />
            <FacilityFields ctx={ctx} options={data.options} values={fv} errors={fe} />
            <button type="submit" class="btn btn-primary">
              {t('competences.submit')}
            </button>
          </form>
        </>
      )}
    </Layout>
  );
}

type Failed = { kind: 'competence' | 'facility'; id: string; values: FormValues; errors: FieldErrors };

function ReviewForm({ ctx, kind, id, failed }: { ctx: PageContext; kind: 'competence' | 'facility'; id: string; failed?: Failed }) {
  const { t } = ctx;
  const mine = failed && failed.kind === kind && failed.id === id ? failed : undefined;
  return (
    <DecisionForm
      ctx={ctx}
      action={href(ctx, `/staff/${kind === 'competence' ? 'competences' : 'facilities'}/${id}/review`)}
      noteId={`note-${id}`}
      note={mine?.values.note}
      errors={mine?.errors}
      labels={{ note: t('competences.reviewNote'), validate: t('competences.validate'), reject: t('competences.reject') }}
    />
  );
}

export function ReviewQueuePage({ ctx, queue, failed }: { ctx: PageContext; queue: QueueOut; failed?: Failed }) {
  const { t } = ctx;
  const l = lang(ctx);
  return (
    <Layout ctx={ctx} title={t('competences.queueTitle')} breadcrumb={[{ label: t('competences.queueTitle') }]}>
      <h1>{t('competences.queueTitle')}</h1>
      <ErrorSummary ctx={ctx} errors={failed?.errors} />
      <h2>{t('competences.competences')}</h2>
      {queue.competences.length === 0 ? (
        <p>{t('competences.queueEmpty')}</p>
      ) : (
        <table class="table">
          <caption>{t('competences.competences')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('competences.organisation')}</th>
              <th scope="col">{t('competences.concept')}</th>
              <th scope="col">{t('competences.evidence')}</th>
              <th scope="col">{t('competences.decision')}</th>
            </tr>
          </thead>
          <tbody>
            {queue.competences.map((c) => (
              <tr>
                <th scope="row">
                  <a href={href(ctx, `/organisations/${c.organisationId}/competences`)}>{c.organisationName}</a>
                </th>
                <td>
                  {c.concept.label[l]} ({t(`competences.kinds.${c.kind}`)}, {t(`competences.visibilities.${c.visibility}`)})
                  {c.description && <div class="small">{c.description}</div>}
                </td>
                <td>{c.evidence ?? ''}</td>
                <td>
                  <ReviewForm ctx={ctx} kind="competence" id={c.id} failed={failed} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <h2>{t('competences.facilities')}</h2>
      {queue.facilities.length === 0 ? (
        <p>{t('competences.queueEmpty')}</p>
      ) : (
        <table class="table">
          <caption>{t('competences.facilities')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('competences.organisation')}</th>
              <th scope="col">{t('competences.name')}</th>
              <th scope="col">{t('competences.certification')}</th>
              <th scope="col">{t('competences.decision')}</th>
            </tr>
          </thead>
          <tbody>
            {queue.facilities.map((f) => (
              <tr>
                <th scope="row">
                  <a href={href(ctx, `/organisations/${f.organisationId}/competences`)}>{f.organisationName}</a>
                </th>
                <td>
                  {f.name} ({t(`competences.facilityKinds.${f.kind}`)}, {t(`competences.visibilities.${f.visibility}`)})
                </td>
                <td>{[f.certification, f.accreditationReference].filter(Boolean).join(' · ')}</td>
                <td>
                  <ReviewForm ctx={ctx} kind="facility" id={f.id} failed={failed} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Layout>
  );
}
