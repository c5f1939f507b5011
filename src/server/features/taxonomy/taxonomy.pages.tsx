import type { FieldErrors } from '../../lib/errors.ts';
import { CsrfField, ErrorSummary, Input, Layout, type PageContext, Textarea, href } from '../../lib/html.tsx';
import { canEditTaxonomy } from './taxonomy.ts';
import { type Scheme, schemes } from './taxonomy.load.ts';
import type { ConceptDetailOut, ConceptOut } from './taxonomy.schemas.ts';

const lang = (ctx: PageContext) => ctx.locale;
const other = (ctx: PageContext) => (ctx.locale === 'it' ? 'en' : 'it');

function Tree({ ctx, items }: { ctx: PageContext; items: ConceptOut[] }) {
  const kids = (parent: string | null) => items.filter((c) => c.parentId === parent || (parent === null && !items.some((p) => p.id === c.parentId)));
  const render = (parent: string | null) => {
    const list = kids(parent);
    if (!list.length) return null;
    return (
      <ul class="taxonomy-tree">
        {list.map((c) => (
          <li key={c.id} id={c.id}>
            <a href={href(ctx, `/taxonomy/${c.id}`)}>{c.label[lang(ctx)]}</a>
            {c.ateco.length > 0 && <span class="text-muted small"> · ATECO {c.ateco.join(', ')}</span>}
            {c.definition[lang(ctx)] && <div class="small">{c.definition[lang(ctx)]}</div>}
            {c.synonyms[lang(ctx)].length > 0 && (
              <div class="small text-muted">
                {ctx.t('taxonomy.synonyms')}: {c.synonyms[lang(ctx)].join(', ')}
              </div>
            )}
            {render(c.id)}
          </li>
        ))}
      </ul>
    );
  };
  return render(null);
}

export function TaxonomyPage({ ctx, tree }: { ctx: PageContext; tree: Record<Scheme, ConceptOut[]> }) {
  const { t } = ctx;
  return (
    <Layout ctx={ctx} title={t('taxonomy.title')}>
      <h1>{t('taxonomy.title')}</h1>
      <p class="lead">{t('taxonomy.intro')}</p>
      <nav aria-label={t('taxonomy.contents')}>
        <ul>
          {schemes.map((s) => (
            <li key={s}>
              <a href={`#scheme-${s}`}>
                {t(`taxonomy.scheme.${s}`)} ({tree[s].length})
              </a>
            </li>
          ))}
        </ul>
      </nav>
      {schemes.map((s) => (
        <section key={s} id={`scheme-${s}`} class="mt-5">
          <h2>{t(`taxonomy.scheme.${s}`)}</h2>
          <Tree ctx={ctx} items={tree[s]} />
        </section>
      ))}
      <p class="small text-muted mt-5">{t('taxonomy.source')}</p>
    </Layout>
  );
}

export function ConceptPage({ ctx, concept }: { ctx: PageContext; concept: ConceptDetailOut }) {
  const { t } = ctx;
  const l = lang(ctx);
  const o = other(ctx);
  const breadcrumb = [
    { label: t('taxonomy.title'), href: href(ctx, '/taxonomy') },
    { label: t(`taxonomy.scheme.${concept.scheme}`), href: href(ctx, `/taxonomy#scheme-${concept.scheme}`) },
    ...concept.ancestors.map((a) => ({ label: a.label[l], href: href(ctx, `/taxonomy/${a.id}`) })),
    { label: concept.label[l] },
  ];
  return (
    <Layout ctx={ctx} title={concept.label[l]} breadcrumb={breadcrumb}>
      <h1>{concept.label[l]}</h1>
      <p class="text-muted">
        {t('taxonomy.otherLanguage')}: <span lang={o}>{concept.label[o]}</span> · <code>{concept.id}</code>
      </p>
      {concept.retired && <div class="alert alert-warning">{t('taxonomy.retired')}</div>}
      {concept.overridden && <p class="small text-muted">{t('taxonomy.overridden')}</p>}
      {canEditTaxonomy(ctx.actor) && (
        <p>
          <a class="btn btn-outline-primary btn-sm" href={href(ctx, `/taxonomy/${concept.id}/edit`)}>
            {t('taxonomy.edit')}
          </a>
        </p>
      )}
      <h2 class="h4">{t('taxonomy.definition')}</h2>
      <p>{concept.definition[l]}</p>
      {concept.definition[o] && (
        <p class="text-muted" lang={o}>
          {concept.definition[o]}
        </p>
      )}
      <h2 class="h4">{t('taxonomy.synonyms')}</h2>
      <dl>
        <dt>{t('taxonomy.synonymsIt')}</dt>
        <dd lang="it">{concept.synonyms.it.join(', ') || '—'}</dd>
        <dt>{t('taxonomy.synonymsEn')}</dt>
        <dd lang="en">{concept.synonyms.en.join(', ') || '—'}</dd>
      </dl>
      {concept.cosingFunction && (
        <p>
          {t('taxonomy.cosingFunction')}: <code>{concept.cosingFunction}</code>
        </p>
      )}
      <h2 class="h4">{t('taxonomy.ateco')}</h2>
      {concept.atecoLinks.length ? (
        <table class="table table-sm">
          <caption class="visually-hidden">{t('taxonomy.ateco')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('taxonomy.code')}</th>
              <th scope="col">{t('taxonomy.activity')}</th>
            </tr>
          </thead>
          <tbody>
            {concept.atecoLinks.map((a) => (
              <tr key={a.code}>
                <th scope="row">{a.code}</th>
                <td>{a.title[l]}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p>{t('taxonomy.atecoNone')}</p>
      )}
      {concept.children.length > 0 && (
        <>
          <h2 class="h4">{t('taxonomy.children')}</h2>
          <ul>
            {concept.children.map((c) => (
              <li key={c.id}>
                <a href={href(ctx, `/taxonomy/${c.id}`)}>{c.label[l]}</a>
              </li>
            ))}
          </ul>
        </>
      )}
    </Layout>
  );
}

export type ConceptForm = Record<'label_it' | 'label_en' | 'definition_it' | 'definition_en' | 'synonyms_it' | 'synonyms_en', string>;

export function conceptFormValues(c: ConceptDetailOut): ConceptForm {
  return {
    label_it: c.label.it,
    label_en: c.label.en,
    definition_it: c.definition.it ?? '',
    definition_en: c.definition.en ?? '',
    synonyms_it: c.synonyms.it.join(', '),
    synonyms_en: c.synonyms.en.join(', '),
  };
}

export function ConceptEditPage({ ctx, concept, values, errors }: { ctx: PageContext; concept: ConceptDetailOut; values: ConceptForm; errors?: FieldErrors }) {
  const { t } = ctx;
  const l = lang(ctx);
  const title = t('taxonomy.editTitle', { label: concept.label[l] });
  return (
    <Layout
      ctx={ctx}
      title={title}
      breadcrumb={[
        { label: t('taxonomy.title'), href: href(ctx, '/taxonomy') },
        { label: concept.label[l], href: href(ctx, `/taxonomy/${concept.id}`) },
        { label: t('taxonomy.edit') },
      ]}
    >
      <h1>{title}</h1>
      <ErrorSummary ctx={ctx} errors={errors} />
      <form method="post" action={href(ctx, `/taxonomy/${concept.id}/edit`)} novalidate>
        <CsrfField ctx={ctx} />
        <Input ctx={ctx} name="label_it" label={t('taxonomy.labelIt')} value={values.label_it} errors={errors} required maxLength={200} />
        <Input ctx={ctx} name="label_en" label={t('taxonomy.labelEn')} value={values.label_en} errors={errors} required maxLength={200} />
        <Textarea ctx={ctx} name="definition_it" label={t('taxonomy.definitionIt')} value={values.definition_it} errors={errors} maxLength={1000} rows={3} />
        <Textarea ctx={ctx} name="definition_en" label={t('taxonomy.definitionEn')} value={values.definition_en} errors={errors} maxLength={1000} rows={3} />
        <Textarea ctx={ctx} name="synonyms_it" label={t('taxonomy.synonymsIt')} hint={t('taxonomy.synonymsHint')} value={values.synonyms_it} errors={errors} rows={3} />
        <Textarea ctx={ctx} name="synonyms_en" label={t('taxonomy.synonymsEn')} hint={t('taxonomy.synonymsHint')} value={values.synonyms_en} errors={errors} rows={3} />
        <button type="submit" class="btn btn-primary">
          {t('taxonomy.save')}
        </button>{' '}
        <a class="btn btn-outline-secondary" href={href(ctx, `/taxonomy/${concept.id}`)}>
          {t('taxonomy.cancel')}
        </a>
      </form>
    </Layout>
  );
}
