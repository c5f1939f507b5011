import type { ComponentChildren, VNode } from 'preact';
import { render } from 'preact-render-to-string';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Actor } from './auth.ts';
import type { FieldErrors } from './errors.ts';
import { type Locale, type Translate, translateCode } from './i18n.ts';
import { recentPer } from './recent.ts';

/** What every page component receives: locale, translator, who is reading, and the CSRF token for its forms. */
export type PageContext = {
  locale: Locale;
  t: Translate;
  actor: Actor | null;
  /** Path without the locale prefix, e.g. "/clusters/cosmetica": used by the language switch. */
  path: string;
  query: string;
  csrfToken: string;
  demo: boolean;
  /** Counts the navigation shows beside its entries (set by the request pipeline for the readers who have them). */
  navCounts?: NavCounts | null;
};

/** What waits for a reviewer, per queue: shown beside its entry, and their sum on the staff area. */
export type NavCounts = { marketplaceQueue?: number; projectsQueue?: number };

export function pageContext(req: FastifyRequest, reply: FastifyReply): PageContext {
  return makeContext(req, reply).ctx;
}

function makeContext(req: FastifyRequest, reply: FastifyReply): { ctx: PageContext; csrfAsked: () => boolean } {
  const url = new URL(req.url, 'http://x');
  const path = url.pathname.replace(/^\/(it|en)(?=\/|$)/, '') || '/';
  let csrfToken: string | undefined;
  const ctx: PageContext = {
    locale: req.locale,
    t: req.t,
    actor: req.actor,
    path,
    query: url.search,
    // Made when a form first asks for it: a page without a form (what a visitor reads) sets no CSRF cookie and
    // signs nothing.
    get csrfToken() {
      return (csrfToken ??= reply.generateCsrf());
    },
    demo: req.server.config.demo,
    navCounts: req.navCounts,
  };
  return { ctx, csrfAsked: () => csrfToken !== undefined };
}

/*
 * Public pages as a visitor (no session) reads them, rendered once and reused while what they show is unchanged:
 * rendering is most of what such a page costs. The caller names, in `key`, every input of the page that the URL
 * does not hold (the data version it was read at, a cluster's details); null renders afresh. Only visitors'
 * pages are kept (a signed-in reader's navigation is their own), and never one that asked for a CSRF token, which
 * belongs to one visitor's cookie. The 200 used last are kept per app. A URL with a parameter the route's query
 * schema does not know (junk, which the language switch would repeat) is rendered afresh and not kept. Other values of
 * known parameters (a free-text q, page=01) are pages of their own: a flood of them costs what uncached pages cost
 * and can push others out, no more.
 */
const visitorPages = recentPer<string>(200);

/** Whether every parameter of the URL is one the route's validated query holds (zod drops those it does not know). */
function onlyKnownParameters(req: FastifyRequest): boolean {
  const at = req.url.indexOf('?');
  if (at < 0) return true;
  const known = (req.query ?? {}) as object;
  for (const name of new URLSearchParams(req.url.slice(at + 1)).keys()) if (!Object.hasOwn(known, name)) return false;
  return true;
}

/** How many visitors' pages the app of this configuration keeps (for tests). */
export const visitorPagesKept = (config: object): number => visitorPages(config).size;

export function sendPublicPage(
  req: FastifyRequest,
  reply: FastifyReply,
  key: string | null,
  page: (ctx: PageContext) => VNode<any>,
): FastifyReply {
  if (req.actor || key === null || !onlyKnownParameters(req)) return sendPage(reply, page(pageContext(req, reply)));
  const pages = visitorPages(req.server.config);
  const full = `${req.url}\n${key}`;
  let html = pages.get(full);
  if (html === undefined) {
    const { ctx, csrfAsked } = makeContext(req, reply);
    html = renderHtml(page(ctx));
    if (!csrfAsked()) pages.set(full, html);
  }
  return sendHtml(reply, html, 200);
}

/** Localised href: href(ctx, '/clusters') → '/it/clusters'. */
export function href(ctx: Pick<PageContext, 'locale'>, path: string): string {
  return `/${ctx.locale}${path === '/' ? '' : path}` || '/';
}

export function sendPage(reply: FastifyReply, node: VNode<any>, status = 200): FastifyReply {
  return sendHtml(reply, renderHtml(node), status);
}

function renderHtml(node: VNode<any>): string {
  return '<!doctype html>' + render(node);
}

function sendHtml(reply: FastifyReply, html: string, status: number): FastifyReply {
  return reply.code(status).header('content-type', 'text/html; charset=utf-8').header('cache-control', 'no-store').send(html);
}

type LayoutProps = {
  ctx: PageContext;
  title: string;
  children: ComponentChildren;
  /** lang: the label's language when it is not the page's (a user's text written in the other language). */
  breadcrumb?: { label: string; href?: string; lang?: string }[];
};

export function Layout({ ctx, title, children, breadcrumb }: LayoutProps) {
  const { t, locale, actor } = ctx;
  const other: Locale = locale === 'it' ? 'en' : 'it';
  const isStaff = actor?.roles.some((r) => r.role === 'staff' || r.role === 'region' || r.role === 'platform_admin');
  const isMemberUser = actor?.roles.some((r) => r.role === 'member' || r.role === 'org_admin');
  return (
    <html lang={locale}>
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{`${title} · ${t('common.site.name')}`}</title>
        <link rel="stylesheet" href="/static/bi/css/bootstrap-italia.min.css" />
        <link rel="stylesheet" href="/static/filiera.css" />
        <link rel="icon" href="/static/favicon.svg" type="image/svg+xml" />
        <link rel="alternate" hreflang={other} href={`/${other}${ctx.path === '/' ? '' : ctx.path}${ctx.query}`} />
        <script src="/static/filiera.js" defer></script>
      </head>
      <body>
        <a class="visually-hidden-focusable skiplink" href="#main">
          {t('common.nav.skip')}
        </a>
        <header class="it-header-wrapper">
          <div class="it-header-slim-wrapper">
            <div class="container">
              <div class="it-header-slim-wrapper-content d-flex justify-content-between align-items-center">
                <span class="d-none d-lg-block navbar-brand">{t('common.site.region')}</span>
                <div class="it-header-slim-right-zone d-flex align-items-center gap-3">
                  <a
                    class="text-white"
                    href={`/${other}${ctx.path === '/' ? '' : ctx.path}${ctx.query}`}
                    hreflang={other}
                    lang={other}
                    aria-label={t('common.nav.switchToLabel')}
                    data-testid="lang-switch"
                  >
                    {t('common.nav.switchTo')}
                  </a>
                  {actor ? (
                    <>
                      <UserMenu ctx={ctx} isMemberUser={!!isMemberUser} />
                      <form method="post" action={href(ctx, '/logout')} class="d-inline">
                        <input type="hidden" name="_csrf" value={ctx.csrfToken} />
                        <button type="submit" class="btn btn-sm btn-outline-light">
                          {t('common.nav.logout')}
                        </button>
                      </form>
                    </>
                  ) : (
                    <a class="btn btn-sm btn-outline-light" href={href(ctx, '/login')}>
                      {t('common.nav.login')}
                    </a>
                  )}
                </div>
              </div>
            </div>
          </div>
          <div class="it-header-center-wrapper">
            <div class="container">
              <div class="it-header-center-content-wrapper">
                <div class="it-brand-wrapper">
                  <a href={href(ctx, '/')}>
                    <div class="it-brand-text">
                      <div class="it-brand-title">{t('common.site.name')}</div>
                      <div class="it-brand-tagline d-none d-md-block">{t('common.site.tagline')}</div>
                    </div>
                  </a>
                </div>
              </div>
            </div>
          </div>
          <div class="it-header-navbar-wrapper">
            <div class="container">
              <nav class="navbar navbar-expand-lg has-megamenu" aria-label={t('common.nav.main')}>
                <ul class="navbar-nav flex-row flex-wrap">
                  <li class="nav-item">
                    <a class="nav-link" href={href(ctx, '/')}>
                      <span>{t('common.nav.home')}</span>
                    </a>
                  </li>
                  <li class="nav-item">
                    <a class="nav-link" href={href(ctx, '/clusters')}>
                      <span>{t('common.nav.clusters')}</span>
                    </a>
                  </li>
                  <li class="nav-item">
                    <a class="nav-link" href={href(ctx, '/organisations')}>
                      <span>{t('common.nav.directory')}</span>
                    </a>
                  </li>
                  <li class="nav-item">
                    <a class="nav-link" href={href(ctx, '/map')}>
                      <span>{t('common.nav.map')}</span>
                    </a>
                  </li>
                  <li class="nav-item">
                    <a class="nav-link" href={href(ctx, '/search')}>
                      <span>{t('common.nav.search')}</span>
                    </a>
                  </li>
                  <li class="nav-item">
                    <a class="nav-link" href={href(ctx, '/marketplace')}>
                      <span>{t('marketplace.nav')}</span>
                    </a>
                  </li>
                  <li class="nav-item">
                    <a class="nav-link" href={href(ctx, '/taxonomy')}>
                      <span>{t('common.nav.taxonomy')}</span>
                    </a>
                  </li>
                  <li class="nav-item">
                    <a class="nav-link" href={href(ctx, '/cosing')}>
                      <span>{t('common.nav.cosing')}</span>
                    </a>
                  </li>
                  {isStaff && (
                    <li class="nav-item nav-disclosure">
                      <details>
                        <summary class="nav-link">
                          <span>{t('common.nav.staffArea')}</span>
                          <CountBadge ctx={ctx} count={(ctx.navCounts?.marketplaceQueue ?? 0) + (ctx.navCounts?.projectsQueue ?? 0)} />
                        </summary>
                        <ul class="nav-disclosure-panel list-unstyled">
                          {staffLinks(ctx).map((l) => (
                            <li>
                              <a href={l.href}>
                                {l.label}
                                <CountBadge ctx={ctx} count={l.count} />
                              </a>
                            </li>
                          ))}
                        </ul>
                      </details>
                    </li>
                  )}
                  <li class="nav-item">
                    <a class="nav-link" href="/api/docs">
                      <span>{t('common.nav.api')}</span>
                    </a>
                  </li>
                </ul>
              </nav>
            </div>
          </div>
        </header>
        <main id="main" class="container my-4">
          {breadcrumb && breadcrumb.length > 0 && (
            <nav class="breadcrumb-container" aria-label={t('common.nav.breadcrumb')}>
              <ol class="breadcrumb">
                {breadcrumb.map((b, i) => (
                  <li class={`breadcrumb-item${i === breadcrumb.length - 1 ? ' active' : ''}`}>
                    {b.href ? (
                      <a href={b.href} lang={b.lang}>
                        {b.label}
                      </a>
                    ) : (
                      <span aria-current="page" lang={b.lang}>
                        {b.label}
                      </span>
                    )}
                    {i < breadcrumb.length - 1 && <span class="separator">/</span>}
                  </li>
                ))}
              </ol>
            </nav>
          )}
          {children}
        </main>
        <footer class="it-footer">
          <div class="it-footer-main">
            <div class="container py-4">
              <p class="mb-2">{t('common.footer.about')}</p>
              <p class="mb-2">
                <a class="text-white" href="/api/docs">
                  {t('common.footer.openData')}
                </a>
              </p>
              {ctx.demo && <p class="mb-0 small">{t('common.footer.demo')}</p>}
            </div>
          </div>
        </footer>
      </body>
    </html>
  );
}

/** The work entries of cluster staff, the Region and platform admins: one disclosure in the main navigation. */
function staffLinks(ctx: PageContext): { href: string; label: string; count?: number }[] {
  const { t } = ctx;
  return [
    { href: href(ctx, '/staff/applications'), label: t('common.nav.staff') },
    { href: href(ctx, '/staff/competences'), label: t('common.nav.review') },
    { href: href(ctx, '/staff/marketplace'), label: t('marketplace.queueTitle'), count: ctx.navCounts?.marketplaceQueue },
    // reviewers of projects only: the staff and platform admins, not the Region
    ...(ctx.actor?.roles.some((r) => r.role === 'staff' || r.role === 'platform_admin')
      ? [{ href: href(ctx, '/staff/projects'), label: t('projects.queueTitle'), count: ctx.navCounts?.projectsQueue }]
      : []),
    { href: href(ctx, '/staff/imports'), label: t('common.nav.imports') },
    { href: href(ctx, '/staff/collaborations'), label: t('collaborations.nav.collaborations') },
    { href: href(ctx, '/audit'), label: t('common.nav.audit') },
  ];
}

/** A count of waiting items beside a navigation entry, read out as "3 waiting"; nothing when none wait. */
function CountBadge({ ctx, count }: { ctx: PageContext; count?: number }) {
  if (!count) return null;
  return (
    <span class="badge nav-count ms-2" data-count={count}>
      {count}
      <span class="visually-hidden"> {ctx.t('common.nav.waiting')}</span>
    </span>
  );
}

/**
 * The signed-in user's own pages, under their name in the header: a disclosure that works without JavaScript and
 * from the keyboard (summary is a button to assistive technology), so the main navigation keeps to the sections.
 */
function UserMenu({ ctx, isMemberUser }: { ctx: PageContext; isMemberUser: boolean }) {
  const { t, actor } = ctx;
  if (!actor) return null;
  const links = [
    { href: href(ctx, '/account'), label: t('common.nav.account') },
    ...(isMemberUser
      ? [
          { href: href(ctx, '/marketplace/mine'), label: t('marketplace.mine') },
          { href: href(ctx, '/interests'), label: t('collaborations.nav.interests') },
          { href: href(ctx, '/suggestions'), label: t('matching.nav.suggestions') },
        ]
      : []),
    { href: href(ctx, '/saved-searches'), label: t('matching.nav.savedSearches') },
  ];
  return (
    <details class="user-menu" data-testid="user-menu">
      <summary class="text-white">
        {actor.name}
        {actor.isDemo ? ` (${t('common.common.demo')})` : ''}
        <span class="visually-hidden"> – {t('common.nav.userMenu')}</span>
      </summary>
      <nav class="user-menu-panel" aria-label={t('common.nav.userMenu')}>
        <ul class="list-unstyled mb-0">
          {links.map((l) => (
            <li>
              <a href={l.href}>{l.label}</a>
            </li>
          ))}
        </ul>
      </nav>
    </details>
  );
}

/** The lang attribute of a text written in the other language than the page's (none when it is the page's). */
export const langOf = (ctx: PageContext, lang: string) => (lang === ctx.locale ? undefined : lang);

/** A translated sentence around a user's text (a profile title), the text marked with the language it is written in. */
export function Sentence({ ctx, message, name, text, lang }: { ctx: PageContext; message: string; name: string; text: string; lang: string }) {
  const [before, after] = ctx.t(message, { [name]: '\u0000' }).split('\u0000');
  return (
    <>
      {before}
      <span lang={langOf(ctx, lang)}>{text}</span>
      {after}
    </>
  );
}

/** A text in the page language, or the other language marked with its lang attribute; `empty` when neither exists. */
export function Localised({
  ctx,
  it,
  en,
  as = 'p',
  empty = null,
}: {
  ctx: PageContext;
  it: string | null;
  en: string | null;
  as?: 'p' | 'div';
  empty?: ComponentChildren;
}) {
  const own = ctx.locale === 'en' ? en : it;
  const other = ctx.locale === 'en' ? it : en;
  const Tag = as;
  if (own) return <Tag>{own}</Tag>;
  if (other) return <Tag lang={ctx.locale === 'en' ? 'it' : 'en'}>{other}</Tag>;
  return <>{empty}</>;
}

export function CsrfField({ ctx }: { ctx: PageContext }) {
  return <input type="hidden" name="_csrf" value={ctx.csrfToken} />;
}

export function fieldError(ctx: PageContext, errors: FieldErrors | undefined, name: string): string | undefined {
  const code = errors?.[name];
  return code ? translateCode(ctx.t, 'common.field', code, 'common.field.invalid') : undefined;
}

/**
 * A reviewer's decision on one item of a queue: a note for its owner (required to reject; its error beside it when the
 * decision came back) and the two buttons. `subject` names the item to assistive technology, where many rows repeat
 * the same buttons.
 */
export function DecisionForm(props: {
  ctx: PageContext;
  action: string;
  noteId: string;
  note?: string;
  errors?: FieldErrors;
  labels: { note: string; validate: string; reject: string };
  subject?: string;
  /** What the reviewer read (status, version, page), sent back with the decision. */
  hidden?: Record<string, string>;
}) {
  const { ctx, action, noteId, labels, subject } = props;
  const error = fieldError(ctx, props.errors, 'note');
  const named = subject ? <span class="visually-hidden"> {subject}</span> : null;
  return (
    <form method="post" action={action} novalidate>
      <CsrfField ctx={ctx} />
      {Object.entries(props.hidden ?? {}).map(([name, value]) => (
        <input type="hidden" name={name} value={value} />
      ))}
      <label for={noteId}>
        {labels.note}
        {named}
      </label>
      <textarea id={noteId} name="note" rows={2} maxLength={2000} class={`form-control${error ? ' is-invalid' : ''}`} aria-invalid={error ? 'true' : undefined} aria-describedby={error ? `${noteId}-error` : undefined}>
        {props.note ?? ''}
      </textarea>
      {error && (
        <div id={`${noteId}-error`} class="invalid-feedback d-block">
          {error}
        </div>
      )}
      <button type="submit" name="decision" value="validated" class="btn btn-sm btn-success mt-2">
        {labels.validate}
        {named}
      </button>{' '}
      <button type="submit" name="decision" value="rejected" class="btn btn-sm btn-outline-danger mt-2">
        {labels.reject}
        {named}
      </button>
    </form>
  );
}

export function ErrorSummary({ ctx, errors }: { ctx: PageContext; errors?: FieldErrors }) {
  const count = errors ? Object.keys(errors).length : 0;
  if (!count) return null;
  return (
    <div class="alert alert-danger" role="alert" id="error-summary" tabIndex={-1}>
      {count === 1 ? ctx.t('common.form.errorSummaryOne') : ctx.t('common.form.errorSummary', { count })}
    </div>
  );
}

type InputProps = {
  ctx: PageContext;
  name: string;
  label: string;
  value?: string | number | null;
  errors?: FieldErrors;
  type?: string;
  required?: boolean;
  hint?: string;
  autocomplete?: string;
  maxLength?: number;
  inputMode?: string;
  list?: string;
};

const fieldId = (name: string) => `f-${name.replace(/[^a-zA-Z0-9_-]/g, '-')}`;

export function Input(p: InputProps) {
  const id = fieldId(p.name);
  const error = fieldError(p.ctx, p.errors, p.name);
  const describedBy = [p.hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined;
  return (
    <div class="form-group mb-4">
      <label for={id} class="active">
        {p.label}
        {p.required && <span class="text-danger"> *</span>}
      </label>
      <input
        id={id}
        name={p.name}
        type={(p.type ?? 'text') as 'text'}
        class={`form-control${error ? ' is-invalid' : ''}`}
        value={p.value ?? ''}
        required={p.required}
        autocomplete={p.autocomplete}
        maxLength={p.maxLength}
        inputMode={p.inputMode as any}
        list={p.list}
        aria-invalid={error ? 'true' : undefined}
        aria-describedby={describedBy}
      />
      {p.hint && (
        <small id={`${id}-hint`} class="form-text">
          {p.hint}
        </small>
      )}
      {error && (
        <div id={`${id}-error`} class="invalid-feedback d-block" data-field={p.name}>
          {error}
        </div>
      )}
    </div>
  );
}

export function Textarea(p: InputProps & { rows?: number }) {
  const id = fieldId(p.name);
  const error = fieldError(p.ctx, p.errors, p.name);
  return (
    <div class="form-group mb-4">
      <label for={id} class="active">
        {p.label}
        {p.required && <span class="text-danger"> *</span>}
      </label>
      <textarea
        id={id}
        name={p.name}
        rows={p.rows ?? 4}
        class={`form-control${error ? ' is-invalid' : ''}`}
        required={p.required}
        maxLength={p.maxLength}
        aria-invalid={error ? 'true' : undefined}
        aria-describedby={error ? `${id}-error` : p.hint ? `${id}-hint` : undefined}
      >
        {p.value ?? ''}
      </textarea>
      {p.hint && (
        <small id={`${id}-hint`} class="form-text">
          {p.hint}
        </small>
      )}
      {error && (
        <div id={`${id}-error`} class="invalid-feedback d-block" data-field={p.name}>
          {error}
        </div>
      )}
    </div>
  );
}

export function Select(
  p: Omit<InputProps, 'type'> & { options: { value: string; label: string }[]; emptyLabel?: string },
) {
  const id = fieldId(p.name);
  const error = fieldError(p.ctx, p.errors, p.name);
  return (
    <div class="select-wrapper mb-4">
      <label for={id}>
        {p.label}
        {p.required && <span class="text-danger"> *</span>}
      </label>
      <select
        id={id}
        name={p.name}
        required={p.required}
        class={error ? 'is-invalid' : undefined}
        aria-invalid={error ? 'true' : undefined}
        aria-describedby={error ? `${id}-error` : undefined}
      >
        {p.emptyLabel !== undefined && <option value="">{p.emptyLabel}</option>}
        {p.options.map((o) => (
          <option value={o.value} selected={String(p.value ?? '') === o.value}>
            {o.label}
          </option>
        ))}
      </select>
      {error && (
        <div id={`${id}-error`} class="invalid-feedback d-block" data-field={p.name}>
          {error}
        </div>
      )}
    </div>
  );
}

export function Checkbox(p: Omit<InputProps, 'type' | 'value'> & { checked?: boolean; value?: string }) {
  const id = fieldId(p.name);
  const error = fieldError(p.ctx, p.errors, p.name);
  return (
    <div class="form-check mb-3">
      <input
        id={id}
        name={p.name}
        type="checkbox"
        value={p.value ?? 'on'}
        checked={p.checked}
        required={p.required}
        aria-invalid={error ? 'true' : undefined}
        aria-describedby={error ? `${id}-error` : undefined}
      />
      <label for={id}>
        {p.label}
        {p.required && <span class="text-danger"> *</span>}
      </label>
      {error && (
        <div id={`${id}-error`} class="invalid-feedback d-block" data-field={p.name}>
          {error}
        </div>
      )}
    </div>
  );
}

/**
 * A group of radio buttons under a legend. A missing choice is the only error a radio group can have, so any error
 * on the field reads "required".
 */
export function Radios(p: {
  ctx: PageContext;
  name: string;
  legend: string;
  options: { value: string; label: string }[];
  value?: string;
  required?: boolean;
  errors?: FieldErrors;
}) {
  return (
    <fieldset class="mb-4">
      <legend class="h6">
        {p.legend}
        {p.required && <span class="text-danger"> *</span>}
      </legend>
      {p.options.map((o) => (
        <div class="form-check">
          <input id={`${fieldId(p.name)}-${o.value}`} type="radio" name={p.name} value={o.value} checked={p.value === o.value} required={p.required} />
          <label for={`${fieldId(p.name)}-${o.value}`}>{o.label}</label>
        </div>
      ))}
      {p.errors?.[p.name] && (
        <div class="invalid-feedback d-block" data-field={p.name}>
          {p.ctx.t('common.field.required')}
        </div>
      )}
    </fieldset>
  );
}

export function Pagination({ ctx, page, pages, baseHref }: { ctx: PageContext; page: number; pages: number; baseHref: (page: number) => string }) {
  if (pages <= 1) return null;
  return (
    <nav class="pagination-wrapper" aria-label={ctx.t('common.pagination.label')}>
      <ul class="pagination">
        <li class={`page-item${page <= 1 ? ' disabled' : ''}`}>
          {page > 1 ? (
            <a class="page-link" href={baseHref(page - 1)} rel="prev">
              {ctx.t('common.pagination.previous')}
            </a>
          ) : (
            <span class="page-link">{ctx.t('common.pagination.previous')}</span>
          )}
        </li>
        <li class="page-item active">
          <span class="page-link" aria-current="page">
            {ctx.t('common.pagination.page', { page, pages })}
          </span>
        </li>
        <li class={`page-item${page >= pages ? ' disabled' : ''}`}>
          {page < pages ? (
            <a class="page-link" href={baseHref(page + 1)} rel="next">
              {ctx.t('common.pagination.next')}
            </a>
          ) : (
            <span class="page-link">{ctx.t('common.pagination.next')}</span>
          )}
        </li>
      </ul>
    </nav>
  );
}

export function ErrorPage({ ctx, status, message, back }: { ctx: PageContext; status: number; message: string; back?: string }) {
  return (
    <Layout ctx={ctx} title={ctx.t('common.error.title')}>
      <h1>{ctx.t('common.error.title')}</h1>
      <p class="lead" data-status={status}>
        {message}
      </p>
      {back && (
        <p>
          <a href={back} data-testid="error-back">
            {ctx.t('common.error.back')}
          </a>
        </p>
      )}
      <p>
        <a href={href(ctx, '/')}>{ctx.t('common.error.backHome')}</a>
      </p>
    </Layout>
  );
}
