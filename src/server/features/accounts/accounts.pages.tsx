import type { FieldErrors } from '../../lib/errors.ts';
import { CsrfField, ErrorSummary, Input, Layout, type PageContext, Pagination, Select, href } from '../../lib/html.tsx';
import { formatDate, formatDateTime } from '../../lib/i18n.ts';
import type { ApiTokenView, UserSummary } from './accounts.ts';
import type { OrgUserRow } from './accounts.queries.ts';

type FormProps = { ctx: PageContext; values?: Record<string, string | undefined>; errors?: FieldErrors; message?: string };

function Alert({ kind, text }: { kind: 'danger' | 'success' | 'info'; text?: string }) {
  if (!text) return null;
  return (
    <div class={`alert alert-${kind}`} role={kind === 'danger' ? 'alert' : 'status'}>
      {text}
    </div>
  );
}

export function LoginPage({ ctx, values, errors, message, next }: FormProps & { next: string }) {
  const { t } = ctx;
  return (
    <Layout ctx={ctx} title={t('accounts.login.title')}>
      <div class="row">
        <div class="col-lg-6">
          <h1>{t('accounts.login.title')}</h1>
          <ErrorSummary ctx={ctx} errors={errors} />
          <Alert kind="danger" text={message} />
          <form method="post" action={href(ctx, '/login')} novalidate>
            <CsrfField ctx={ctx} />
            <input type="hidden" name="next" value={next} />
            <Input ctx={ctx} name="email" type="email" label={t('accounts.login.email')} value={values?.email} errors={errors} required autocomplete="username" />
            <Input ctx={ctx} name="password" type="password" label={t('accounts.login.password')} errors={errors} required autocomplete="current-password" />
            <button type="submit" class="btn btn-primary">
              {t('accounts.login.submit')}
            </button>
          </form>
          <p class="mt-4">
            <a href={href(ctx, '/password-reset')}>{t('accounts.login.forgot')}</a>
          </p>
        </div>
      </div>
    </Layout>
  );
}

export function ResetRequestPage({ ctx, values, errors, message, sent }: FormProps & { sent?: boolean }) {
  const { t } = ctx;
  return (
    <Layout ctx={ctx} title={t('accounts.reset.title')}>
      <h1>{t('accounts.reset.title')}</h1>
      {sent ? (
        <Alert kind="success" text={t('accounts.reset.sent')} />
      ) : (
        <>
          <p>{t('accounts.reset.intro')}</p>
          <ErrorSummary ctx={ctx} errors={errors} />
          <Alert kind="danger" text={message} />
          <form method="post" action={href(ctx, '/password-reset')} novalidate>
            <CsrfField ctx={ctx} />
            <Input ctx={ctx} name="email" type="email" label={t('accounts.login.email')} value={values?.email} errors={errors} required autocomplete="email" />
            <button type="submit" class="btn btn-primary">
              {t('accounts.reset.submit')}
            </button>
          </form>
        </>
      )}
    </Layout>
  );
}

function PasswordFields({ ctx, errors }: { ctx: PageContext; errors?: FieldErrors }) {
  const { t } = ctx;
  return (
    <>
      <Input ctx={ctx} name="password" type="password" label={t('accounts.password.new')} hint={t('accounts.password.hint')} errors={errors} required autocomplete="new-password" />
      <Input ctx={ctx} name="passwordConfirmation" type="password" label={t('accounts.password.confirmation')} errors={errors} required autocomplete="new-password" />
    </>
  );
}

export function ResetPasswordPage({ ctx, errors, token }: FormProps & { token: string }) {
  const { t } = ctx;
  return (
    <Layout ctx={ctx} title={t('accounts.reset.newTitle')}>
      <h1>{t('accounts.reset.newTitle')}</h1>
      <ErrorSummary ctx={ctx} errors={errors} />
      <form method="post" action={href(ctx, `/password-reset/${token}`)} novalidate>
        <CsrfField ctx={ctx} />
        <PasswordFields ctx={ctx} errors={errors} />
        <button type="submit" class="btn btn-primary">
          {t('accounts.reset.save')}
        </button>
      </form>
    </Layout>
  );
}

export function InvalidTokenPage({ ctx, reason, kind }: { ctx: PageContext; reason: 'expired' | 'used' | 'unknown'; kind: 'password_reset' | 'invitation' }) {
  const { t } = ctx;
  return (
    <Layout ctx={ctx} title={t('accounts.token.invalid.title')}>
      <h1>{t('accounts.token.invalid.title')}</h1>
      <p class="lead" data-reason={reason}>
        {t(`accounts.token.invalid.${reason}`)}
      </p>
      {kind === 'password_reset' ? (
        <p>
          <a href={href(ctx, '/password-reset')}>{t('accounts.token.invalid.newReset')}</a>
        </p>
      ) : (
        <p>{t('accounts.invitation.askAdmin')}</p>
      )}
    </Layout>
  );
}

export function InvitationPage({ ctx, values, errors, token, email, hasPassword }: FormProps & { token: string; email: string; hasPassword: boolean }) {
  const { t } = ctx;
  return (
    <Layout ctx={ctx} title={t('accounts.invitation.title')}>
      <h1>{t('accounts.invitation.title')}</h1>
      <p>{t(hasPassword ? 'accounts.invitation.existing' : 'accounts.invitation.intro', { email })}</p>
      <ErrorSummary ctx={ctx} errors={errors} />
      <form method="post" action={href(ctx, `/invitations/${token}`)} novalidate>
        <CsrfField ctx={ctx} />
        {!hasPassword && (
          <>
            <Input ctx={ctx} name="name" label={t('accounts.invitation.name')} value={values?.name} errors={errors} required autocomplete="name" maxLength={200} />
            <PasswordFields ctx={ctx} errors={errors} />
          </>
        )}
        <button type="submit" class="btn btn-primary">
          {t(hasPassword ? 'accounts.invitation.confirm' : 'accounts.invitation.submit')}
        </button>
      </form>
    </Layout>
  );
}

const roleOptions = (ctx: PageContext, roles: readonly string[]) => roles.map((r) => ({ value: r, label: ctx.t(`accounts.role.${r}`) }));

export function OrgUsersPage({
  ctx,
  organisationId,
  organisationName,
  users,
  values,
  errors,
  message,
  notice,
}: FormProps & { organisationId: string; organisationName: string; users: OrgUserRow[]; notice?: string }) {
  const { t } = ctx;
  const base = `/organisations/${organisationId}/users`;
  return (
    <Layout
      ctx={ctx}
      title={t('accounts.orgUsers.title', { organisation: organisationName })}
      breadcrumb={[{ label: organisationName, href: href(ctx, `/organisations/${organisationId}`) }, { label: t('organisations.page.users') }]}
    >
      <h1>{t('accounts.orgUsers.title', { organisation: organisationName })}</h1>
      <Alert kind="success" text={notice} />
      <Alert kind="danger" text={message} />
      {users.length === 0 ? (
        <p>{t('accounts.orgUsers.none')}</p>
      ) : (
        <div class="table-responsive">
          <table class="table">
            <caption>{t('accounts.orgUsers.caption')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('accounts.orgUsers.name')}</th>
                <th scope="col">{t('accounts.orgUsers.email')}</th>
                <th scope="col">{t('accounts.orgUsers.roles')}</th>
                <th scope="col">{t('accounts.orgUsers.status')}</th>
                <th scope="col">{t('common.common.actions')}</th>
              </tr>
            </thead>
            <tbody>
              {users.map((u) => (
                <tr data-user={u.id}>
                  <th scope="row">{u.name}</th>
                  <td>{u.email}</td>
                  <td>
                    {u.roles.map((r) => t(`accounts.role.${r}`)).join(', ')}
                    {u.invited_role ? (
                      <>
                        {u.roles.length > 0 ? <br /> : null}
                        {t('accounts.orgUsers.invitedAs', { role: t(`accounts.role.${u.invited_role}`) })}
                      </>
                    ) : null}
                  </td>
                  <td>{t(u.invited_role || !u.activated ? 'accounts.orgUsers.pending' : 'accounts.orgUsers.active')}</td>
                  <td>
                    <form method="post" action={href(ctx, `${base}/${u.id}/remove`)}>
                      <CsrfField ctx={ctx} />
                      <button type="submit" class="btn btn-sm btn-outline-danger">
                        {t('accounts.orgUsers.remove', { name: u.name })}
                      </button>
                    </form>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <h2 class="h4 mt-5">{t('accounts.orgUsers.inviteTitle')}</h2>
      <ErrorSummary ctx={ctx} errors={errors} />
      <form method="post" action={href(ctx, base)} novalidate>
        <CsrfField ctx={ctx} />
        <Input ctx={ctx} name="email" type="email" label={t('accounts.orgUsers.email')} value={values?.email} errors={errors} required />
        <Input ctx={ctx} name="name" label={t('accounts.orgUsers.name')} value={values?.name} errors={errors} required maxLength={200} />
        <Select ctx={ctx} name="role" label={t('accounts.role.label')} value={values?.role ?? 'member'} errors={errors} options={roleOptions(ctx, ['member', 'org_admin'])} required />
        <button type="submit" class="btn btn-primary">
          {t('accounts.orgUsers.inviteSubmit')}
        </button>
      </form>
    </Layout>
  );
}

export function AccountPage({
  ctx,
  account,
  values,
  errors,
  passwordErrors,
  notice,
  organisations = [],
}: FormProps & { account: UserSummary; passwordErrors?: FieldErrors; notice?: string; organisations?: { id: string; name: string; admin: boolean }[] }) {
  const { t } = ctx;
  return (
    <Layout ctx={ctx} title={t('accounts.account.title')}>
      <h1>{t('accounts.account.title')}</h1>
      <Alert kind="success" text={notice} />
      {organisations.map((o) => (
        <div class="callout" data-testid="next-steps">
          <div class="callout-title">{t('accounts.account.yourOrganisation', { name: o.name })}</div>
          <ul class="mb-0">
            <li>
              <a href={href(ctx, `/organisations/${o.id}`)}>{t('accounts.account.next.page')}</a>
            </li>
            <li>
              <a href={href(ctx, `/organisations/${o.id}/competences`)}>{t('accounts.account.next.competences')}</a>
            </li>
            <li>
              <a href={href(ctx, '/marketplace/new')}>{t('accounts.account.next.publish')}</a>
            </li>
            <li>
              <a href={href(ctx, `/suggestions?organisation=${o.id}`)}>{t('accounts.account.next.suggestions')}</a>
            </li>
            {o.admin && (
              <li>
                <a href={href(ctx, `/organisations/${o.id}/users`)}>{t('accounts.account.next.users')}</a>
              </li>
            )}
          </ul>
        </div>
      ))}
      <h2 class="h4">{t('accounts.account.profile')}</h2>
      <p>
        {t('accounts.account.email')}: <strong>{account.email}</strong>
      </p>
      <ErrorSummary ctx={ctx} errors={errors} />
      <form method="post" action={href(ctx, '/account')} novalidate>
        <CsrfField ctx={ctx} />
        <Input ctx={ctx} name="name" label={t('accounts.account.name')} value={values?.name ?? account.name} errors={errors} required maxLength={200} autocomplete="name" />
        <Select
          ctx={ctx}
          name="locale"
          label={t('accounts.account.locale')}
          value={values?.locale ?? account.locale}
          errors={errors}
          options={[
            { value: 'it', label: t('accounts.locale.it') },
            { value: 'en', label: t('accounts.locale.en') },
          ]}
          required
        />
        <button type="submit" class="btn btn-primary">
          {t('common.form.save')}
        </button>
      </form>
      <h2 class="h4 mt-5">{t('accounts.account.passwordTitle')}</h2>
      <ErrorSummary ctx={ctx} errors={passwordErrors} />
      <form method="post" action={href(ctx, '/account/password')} novalidate>
        <CsrfField ctx={ctx} />
        <Input ctx={ctx} name="currentPassword" type="password" label={t('accounts.password.current')} errors={passwordErrors} required autocomplete="current-password" />
        <PasswordFields ctx={ctx} errors={passwordErrors} />
        <button type="submit" class="btn btn-primary">
          {t('common.form.save')}
        </button>
      </form>
      <h2 class="h4 mt-5">{t('accounts.account.roles')}</h2>
      {account.roles.length === 0 ? (
        <p>{t('common.common.none')}</p>
      ) : (
        <ul>
          {account.roles.map((r) => (
            <li>
              {t(`accounts.role.${r.role}`)}
              {r.organisationId && (
                <>
                  {' · '}
                  <a href={href(ctx, `/organisations/${r.organisationId}`)}>{organisations.find((o) => o.id === r.organisationId)?.name ?? t('accounts.orgUsers.roles')}</a>
                </>
              )}
            </li>
          ))}
        </ul>
      )}
      <p class="mt-4">
        <a href={href(ctx, '/account/tokens')}>{t('accounts.account.tokensLink')}</a>
      </p>
    </Layout>
  );
}

export function TokensPage({ ctx, tokens, values, errors, created }: FormProps & { tokens: ApiTokenView[]; created?: string }) {
  const { t, locale } = ctx;
  const now = Date.now();
  return (
    <Layout ctx={ctx} title={t('accounts.tokens.title')} breadcrumb={[{ label: t('accounts.account.title'), href: href(ctx, '/account') }, { label: t('accounts.tokens.title') }]}>
      <h1>{t('accounts.tokens.title')}</h1>
      <p>{t('accounts.tokens.intro')}</p>
      {created && (
        <div class="alert alert-success" role="status">
          <p>{t('accounts.tokens.shownOnce')}</p>
          <pre class="mb-0">
            <code data-testid="new-token">{created}</code>
          </pre>
        </div>
      )}
      {tokens.length === 0 ? (
        <p>{t('accounts.tokens.none')}</p>
      ) : (
        <div class="table-responsive">
          <table class="table">
            <caption>{t('accounts.tokens.caption')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('accounts.tokens.name')}</th>
                <th scope="col">{t('accounts.tokens.scope')}</th>
                <th scope="col">{t('accounts.tokens.created')}</th>
                <th scope="col">{t('accounts.tokens.expires')}</th>
                <th scope="col">{t('accounts.tokens.lastUsed')}</th>
                <th scope="col">{t('accounts.tokens.status')}</th>
                <th scope="col">{t('common.common.actions')}</th>
              </tr>
            </thead>
            <tbody>
              {tokens.map((tk) => {
                const status = tk.revokedAt ? 'revoked' : new Date(tk.expiresAt).getTime() <= now ? 'expired' : 'valid';
                return (
                  <tr data-token={tk.id}>
                    <th scope="row">{tk.name}</th>
                    <td>{t(`accounts.tokens.scope.${tk.scope}`)}</td>
                    <td>{formatDate(locale, tk.createdAt)}</td>
                    <td>{formatDate(locale, tk.expiresAt)}</td>
                    <td>{tk.lastUsedAt ? formatDateTime(locale, tk.lastUsedAt) : t('accounts.tokens.never')}</td>
                    <td>{t(`accounts.tokens.${status}`)}</td>
                    <td>
                      {status === 'valid' && (
                        <form method="post" action={href(ctx, `/account/tokens/${tk.id}/revoke`)}>
                          <CsrfField ctx={ctx} />
                          <button type="submit" class="btn btn-sm btn-outline-danger">
                            {t('accounts.tokens.revoke', { name: tk.name })}
                          </button>
                        </form>
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      <h2 class="h4 mt-5">{t('accounts.tokens.create')}</h2>
      <ErrorSummary ctx={ctx} errors={errors} />
      <form method="post" action={href(ctx, '/account/tokens')} novalidate>
        <CsrfField ctx={ctx} />
        <Input ctx={ctx} name="name" label={t('accounts.tokens.name')} value={values?.name} errors={errors} required maxLength={100} />
        <Select
          ctx={ctx}
          name="scope"
          label={t('accounts.tokens.scope')}
          value={values?.scope ?? 'read'}
          errors={errors}
          options={[
            { value: 'read', label: t('accounts.tokens.scope.read') },
            { value: 'read_write', label: t('accounts.tokens.scope.read_write') },
          ]}
          required
        />
        <Input ctx={ctx} name="expiresInDays" type="number" label={t('accounts.tokens.expiresInDays')} hint={t('accounts.tokens.expiresHint')} value={values?.expiresInDays ?? '90'} errors={errors} inputMode="numeric" />
        <button type="submit" class="btn btn-primary">
          {t('accounts.tokens.create')}
        </button>
      </form>
    </Layout>
  );
}

type AdminUser = { id: string; email: string; name: string; disabled: boolean; lastLoginAt: string | null; roles: { id: string; role: string; clusterId: string | null; organisationId: string | null }[] };

export function AdminUsersPage({
  ctx,
  users,
  total,
  page,
  pageSize,
  search,
  clusters,
  errors,
  message,
  notice,
}: FormProps & {
  users: AdminUser[];
  total: number;
  page: number;
  pageSize: number;
  search?: string;
  clusters: { id: string; name_it: string; name_en: string }[];
  notice?: string;
}) {
  const { t, locale } = ctx;
  const clusterName = (id: string | null) => {
    const c = clusters.find((x) => x.id === id);
    return c ? (locale === 'it' ? c.name_it : c.name_en) : '';
  };
  const pages = Math.max(1, Math.ceil(total / pageSize));
  const qs = (p: number) => href(ctx, `/admin/users?${new URLSearchParams({ ...(search ? { q: search } : {}), page: String(p) })}`);
  return (
    <Layout ctx={ctx} title={t('accounts.admin.title')}>
      <h1>{t('accounts.admin.title')}</h1>
      <Alert kind="success" text={notice} />
      <Alert kind="danger" text={message} />
      <ErrorSummary ctx={ctx} errors={errors} />
      <form method="get" action={href(ctx, '/admin/users')} role="search" class="mb-4">
        <Input ctx={ctx} name="q" type="search" label={t('accounts.admin.search')} value={search} />
        <button type="submit" class="btn btn-outline-primary">
          {t('common.form.search')}
        </button>
      </form>
      <div class="table-responsive">
        <table class="table">
          <caption>{t('accounts.admin.caption', { total })}</caption>
          <thead>
            <tr>
              <th scope="col">{t('accounts.orgUsers.email')}</th>
              <th scope="col">{t('accounts.orgUsers.name')}</th>
              <th scope="col">{t('accounts.admin.lastLogin')}</th>
              <th scope="col">{t('accounts.orgUsers.roles')}</th>
              <th scope="col">{t('accounts.admin.grant')}</th>
            </tr>
          </thead>
          <tbody>
            {users.map((u) => (
              <tr data-user={u.id}>
                <th scope="row">
                  {u.email}
                  {u.disabled && ` (${t('accounts.admin.disabled')})`}
                </th>
                <td>{u.name}</td>
                <td>{u.lastLoginAt ? formatDateTime(locale, u.lastLoginAt) : t('accounts.tokens.never')}</td>
                <td>
                  <ul class="list-unstyled mb-0">
                    {u.roles.map((r) => {
                      const label = `${t(`accounts.role.${r.role}`)}${r.clusterId ? ` · ${clusterName(r.clusterId)}` : ''}`;
                      return (
                        <li>
                          {label}
                          {['staff', 'region', 'platform_admin'].includes(r.role) && (
                            <form method="post" action={href(ctx, `/admin/users/${u.id}/roles/${r.id}/revoke`)} class="d-inline ms-2">
                              <CsrfField ctx={ctx} />
                              <button type="submit" class="btn btn-sm btn-outline-danger">
                                {t('accounts.admin.revoke', { role: label })}
                              </button>
                            </form>
                          )}
                        </li>
                      );
                    })}
                  </ul>
                </td>
                <td>
                  <form method="post" action={href(ctx, `/admin/users/${u.id}/roles`)}>
                    <CsrfField ctx={ctx} />
                    <label class="visually-hidden" for={`role-${u.id}`}>
                      {t('accounts.role.label')}
                    </label>
                    <select id={`role-${u.id}`} name="role">
                      {roleOptions(ctx, ['staff', 'region', 'platform_admin']).map((o) => (
                        <option value={o.value}>{o.label}</option>
                      ))}
                    </select>
                    <label class="visually-hidden" for={`cluster-${u.id}`}>
                      {t('accounts.admin.cluster')}
                    </label>
                    <select id={`cluster-${u.id}`} name="clusterId">
                      <option value="">{t('accounts.admin.cluster')}</option>
                      {clusters.map((c) => (
                        <option value={c.id}>{locale === 'it' ? c.name_it : c.name_en}</option>
                      ))}
                    </select>
                    <button type="submit" class="btn btn-sm btn-primary ms-2">
                      {t('accounts.admin.grant')}
                    </button>
                  </form>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <Pagination ctx={ctx} page={page} pages={pages} baseHref={qs} />
    </Layout>
  );
}
