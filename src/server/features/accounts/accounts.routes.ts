import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { h } from 'preact';
import { z } from 'zod';
import { SESSION_COOKIE, SESSION_DAYS, type Actor } from '../../lib/auth.ts';
import { AppError, ConflictError, TooManyRequestsError, ValidationError } from '../../lib/errors.ts';
import { pageContext, sendPage } from '../../lib/html.tsx';
import * as accounts from './accounts.ts';
import * as pages from './accounts.pages.tsx';
import {
  AccountBody,
  AcceptInvitationBody,
  AdminGrantBody,
  AdminUserList,
  ApiTokenCreated,
  ApiTokenOut,
  ChangePasswordBody,
  IdParams,
  InviteBody,
  LoginBody,
  NewPasswordBody,
  OrgUserList,
  OrgUserOut,
  OrgUserParams,
  ResetRequestBody,
  RevokeQuery,
  RoleParams,
  TokenCreateBody,
  TokenParam,
  UserListQuery,
  UserSummary,
  parseForm,
  safeNext,
} from './accounts.schemas.ts';

const tags = ['accounts'];
const adminOnly = ['platform_admin'] as const;
const orgUserManagers = ['org_admin', 'staff', 'region', 'platform_admin'] as const;

function setSessionCookie(reply: FastifyReply, token: string) {
  reply.setCookie(SESSION_COOKIE, token, {
    httpOnly: true,
    sameSite: 'lax',
    secure: reply.server.config.secureCookies,
    path: '/',
    maxAge: SESSION_DAYS * 24 * 3600,
  });
}

function clearSessionCookie(reply: FastifyReply) {
  reply.clearCookie(SESSION_COOKIE, { path: '/', httpOnly: true, sameSite: 'lax', secure: reply.server.config.secureCookies });
}

const actorOf = (req: FastifyRequest) => req.actor as Actor;
const meta = (req: FastifyRequest) => ({ ip: req.ip, userAgent: req.headers['user-agent'] });
const strings = (body: unknown) => Object.fromEntries(Object.entries((body ?? {}) as Record<string, unknown>).filter(([, v]) => typeof v === 'string')) as Record<string, string>;

/** Domain validation errors go back to the form; anything else goes to the error handler. */
async function orFieldErrors<T>(fn: () => Promise<T>): Promise<{ ok: true; value: T } | { ok: false; errors: Record<string, string> }> {
  try {
    return { ok: true, value: await fn() };
  } catch (err) {
    if (err instanceof ValidationError && err.fields) return { ok: false, errors: err.fields };
    if (err instanceof ConflictError && err.code === 'self_invite' && err.fields) return { ok: false, errors: err.fields };
    throw err;
  }
}

const orgUserOut = (u: {
  id: string;
  email: string;
  name: string;
  roles: ('member' | 'org_admin')[];
  activated: boolean;
  invited_role: 'member' | 'org_admin' | null;
}) => ({
  id: u.id,
  email: u.email,
  name: u.name,
  roles: u.roles,
  activated: u.activated,
  invitedRole: u.invited_role,
});

export const accountsApiRoutes: FastifyPluginAsyncZod = async (app) => {
  app.post(
    '/sessions',
    {
      config: { access: 'public' },
      schema: { tags, summary: 'Sign in with e-mail and password: sets the session cookie', body: LoginBody, response: { 200: UserSummary } },
    },
    async (req, reply) => {
      const { token, user } = await accounts.login(app.db, { ...req.body, ...meta(req) });
      setSessionCookie(reply, token);
      return user;
    },
  );

  app.delete(
    '/sessions/current',
    { config: { access: 'authenticated' }, schema: { tags, summary: 'Sign out: ends the current session' } },
    async (req, reply) => {
      await accounts.logout(app.db, req.cookies[SESSION_COOKIE]);
      clearSessionCookie(reply);
      return reply.code(204).send();
    },
  );

  app.post(
    '/password-resets',
    {
      config: { access: 'public' },
      schema: { tags, summary: 'Ask for a password-reset link by e-mail (same answer whether the address exists or not)', body: ResetRequestBody },
    },
    async (req, reply) => {
      await accounts.requestPasswordReset(app.db, { email: req.body.email, ip: req.ip, publicUrl: app.config.publicUrl });
      return reply.code(202).send();
    },
  );

  app.post(
    '/password-resets/:token',
    {
      config: { access: 'public' },
      schema: { tags, summary: 'Set a new password with a reset link; other sessions are closed', params: TokenParam, body: NewPasswordBody },
    },
    async (req, reply) => {
      const { sessionToken } = await accounts.resetPassword(app.db, { token: req.params.token, password: req.body.password, ...meta(req) });
      setSessionCookie(reply, sessionToken);
      return reply.code(204).send();
    },
  );

  app.get(
    '/account',
    { config: { access: 'authenticated' }, schema: { tags, summary: 'The signed-in user with their roles', response: { 200: UserSummary } } },
    async (req) => accounts.getAccount(app.db, actorOf(req)),
  );

  app.get(
    '/account/tokens',
    { config: { access: 'authenticated' }, schema: { tags, summary: 'My personal API tokens', response: { 200: z.object({ items: z.array(ApiTokenOut) }) } } },
    async (req) => ({ items: await accounts.listApiTokens(app.db, actorOf(req)) }),
  );

  app.post(
    '/account/tokens',
    {
      config: { access: 'authenticated' },
      schema: { tags, summary: 'Create a personal API token: the token is returned once', body: TokenCreateBody, response: { 201: ApiTokenCreated } },
    },
    async (req, reply) => reply.code(201).send(await accounts.createApiToken(app.db, actorOf(req), req.body)),
  );

  app.delete(
    '/account/tokens/:id',
    { config: { access: 'authenticated' }, schema: { tags, summary: 'Revoke one of my API tokens', params: IdParams, response: { 200: ApiTokenOut } } },
    async (req) => accounts.revokeApiToken(app.db, actorOf(req), req.params.id),
  );

  app.get(
    '/organisations/:id/users',
    {
      config: { access: orgUserManagers },
      schema: { tags, summary: 'Users of an organisation with their roles', params: IdParams, response: { 200: OrgUserList } },
    },
    async (req) => {
      const { items } = await accounts.listOrganisationUsers(app.db, actorOf(req), req.params.id);
      return { items: items.map(orgUserOut) };
    },
  );

  app.post(
    '/organisations/:id/users',
    {
      config: { access: orgUserManagers },
      schema: {
        tags,
        summary: 'Invite a person to the organisation (e-mail with a 14-day link)',
        params: IdParams,
        body: InviteBody.extend({ locale: z.enum(['it', 'en']).optional() }),
        response: { 201: OrgUserOut },
      },
    },
    async (req, reply) => {
      const actor = actorOf(req);
      const { userId } = await accounts.inviteOrganisationUser(app.db, actor, req.params.id, {
        ...req.body,
        locale: req.body.locale ?? req.locale,
        publicUrl: app.config.publicUrl,
      });
      const { items } = await accounts.listOrganisationUsers(app.db, actor, req.params.id);
      return reply.code(201).send(orgUserOut(items.find((u) => u.id === userId) as (typeof items)[number]));
    },
  );

  app.delete(
    '/organisations/:id/users/:userId',
    {
      config: { access: orgUserManagers },
      schema: { tags, summary: 'Remove a user’s roles in the organisation (or only ?role=…)', params: OrgUserParams, querystring: RevokeQuery },
    },
    async (req, reply) => {
      await accounts.revokeOrganisationUser(app.db, actorOf(req), req.params.id, req.params.userId, req.query.role);
      return reply.code(204).send();
    },
  );

  app.get(
    '/admin/users',
    {
      config: { access: adminOnly },
      schema: { tags, summary: 'All users, searchable by e-mail or name', querystring: UserListQuery, response: { 200: AdminUserList } },
    },
    async (req) => accounts.listUsers(app.db, actorOf(req), req.query),
  );

  app.post(
    '/admin/users/:id/roles',
    {
      config: { access: adminOnly },
      schema: { tags, summary: 'Grant staff (of a cluster), region or platform_admin', params: IdParams, body: AdminGrantBody, response: { 201: z.object({ roleId: z.string() }) } },
    },
    async (req, reply) => reply.code(201).send(await accounts.grantRole(app.db, actorOf(req), { userId: req.params.id, ...req.body })),
  );

  app.delete(
    '/admin/users/:id/roles/:roleId',
    { config: { access: adminOnly }, schema: { tags, summary: 'Revoke a staff, region or platform_admin role', params: RoleParams } },
    async (req, reply) => {
      await accounts.revokeRole(app.db, actorOf(req), { userId: req.params.id, roleId: req.params.roleId });
      return reply.code(204).send();
    },
  );
};

export const accountsPageRoutes: FastifyPluginAsyncZod = async (app) => {
  const home = (req: FastifyRequest) => `/${req.locale}`;

  app.get('/login', { config: { access: 'public' } }, async (req, reply) => {
    const next = safeNext((req.query as Record<string, unknown>).next, home(req));
    if (req.actor) return reply.redirect(next, 303);
    return sendPage(reply, h(pages.LoginPage, { ctx: pageContext(req, reply), next }));
  });

  app.post('/login', { config: { access: 'public' } }, async (req, reply) => {
    const body = strings(req.body);
    const next = safeNext(body.next, home(req));
    const values = { email: body.email };
    const render = (status: number, extra: { errors?: Record<string, string>; message?: string }) =>
      sendPage(reply, h(pages.LoginPage, { ctx: pageContext(req, reply), next, values, ...extra }), status);
    const parsed = parseForm(LoginBody, body);
    if (!parsed.ok) return render(400, { errors: parsed.errors });
    try {
      const { token } = await accounts.login(app.db, { ...parsed.data, ...meta(req) });
      setSessionCookie(reply, token);
      return reply.redirect(next, 303);
    } catch (err) {
      if (err instanceof TooManyRequestsError) {
        reply.header('retry-after', String(err.retryAfterSeconds));
        return render(429, { message: req.t('accounts.login.tooMany', { minutes: String(Math.ceil(err.retryAfterSeconds / 60)) }) });
      }
      if (err instanceof AppError && err.code === 'invalid_credentials') return render(400, { message: req.t('accounts.login.invalid') });
      throw err;
    }
  });

  app.post('/logout', { config: { access: 'public' } }, async (req, reply) => {
    await accounts.logout(app.db, req.cookies[SESSION_COOKIE]);
    clearSessionCookie(reply);
    return reply.redirect(home(req), 303);
  });

  app.get('/password-reset', { config: { access: 'public' } }, async (req, reply) =>
    sendPage(reply, h(pages.ResetRequestPage, { ctx: pageContext(req, reply), sent: (req.query as Record<string, unknown>).sent === '1' })),
  );

  app.post('/password-reset', { config: { access: 'public' } }, async (req, reply) => {
    const body = strings(req.body);
    const render = (status: number, extra: { errors?: Record<string, string>; message?: string }) =>
      sendPage(reply, h(pages.ResetRequestPage, { ctx: pageContext(req, reply), values: { email: body.email }, ...extra }), status);
    const parsed = parseForm(ResetRequestBody, body);
    if (!parsed.ok) return render(400, { errors: parsed.errors });
    try {
      await accounts.requestPasswordReset(app.db, { email: parsed.data.email, ip: req.ip, publicUrl: app.config.publicUrl });
    } catch (err) {
      if (err instanceof TooManyRequestsError) {
        reply.header('retry-after', String(err.retryAfterSeconds));
        return render(429, { message: req.t('common.error.too_many_requests') });
      }
      throw err;
    }
    return reply.redirect(`/${req.locale}/password-reset?sent=1`, 303);
  });

  app.get('/password-reset/:token', { config: { access: 'public' }, schema: { params: TokenParam } }, async (req, reply) => {
    const ctx = pageContext(req, reply);
    const check = await accounts.checkOneTimeToken(app.db, req.params.token, 'password_reset');
    if (check.status !== 'valid') return sendPage(reply, h(pages.InvalidTokenPage, { ctx, reason: check.status, kind: 'password_reset' }), 410);
    return sendPage(reply, h(pages.ResetPasswordPage, { ctx, token: req.params.token }));
  });

  app.post('/password-reset/:token', { config: { access: 'public' }, schema: { params: TokenParam } }, async (req, reply) => {
    const parsed = parseForm(NewPasswordBody, req.body);
    const ctx = () => pageContext(req, reply);
    if (!parsed.ok) return sendPage(reply, h(pages.ResetPasswordPage, { ctx: ctx(), token: req.params.token, errors: parsed.errors }), 400);
    try {
      const { sessionToken } = await accounts.resetPassword(app.db, { token: req.params.token, password: parsed.data.password, ...meta(req) });
      setSessionCookie(reply, sessionToken);
      return reply.redirect(`/${req.locale}/account`, 303);
    } catch (err) {
      if (err instanceof accounts.TokenInvalidError) return sendPage(reply, h(pages.InvalidTokenPage, { ctx: ctx(), reason: err.reason, kind: 'password_reset' }), 410);
      throw err;
    }
  });

  app.get('/invitations/:token', { config: { access: 'public' }, schema: { params: TokenParam } }, async (req, reply) => {
    const ctx = pageContext(req, reply);
    const check = await accounts.checkOneTimeToken(app.db, req.params.token, 'invitation');
    if (check.status !== 'valid') return sendPage(reply, h(pages.InvalidTokenPage, { ctx, reason: check.status, kind: 'invitation' }), 410);
    return sendPage(
      reply,
      h(pages.InvitationPage, { ctx, token: req.params.token, email: check.user.email, hasPassword: !!check.user.password_hash, values: { name: check.user.name } }),
    );
  });

  app.post('/invitations/:token', { config: { access: 'public' }, schema: { params: TokenParam } }, async (req, reply) => {
    const token = req.params.token;
    const check = await accounts.checkOneTimeToken(app.db, token, 'invitation');
    if (check.status !== 'valid') return sendPage(reply, h(pages.InvalidTokenPage, { ctx: pageContext(req, reply), reason: check.status, kind: 'invitation' }), 410);
    const hasPassword = !!check.user.password_hash;
    let input: { name?: string; password?: string } = {};
    if (!hasPassword) {
      const body = strings(req.body);
      const parsed = parseForm(AcceptInvitationBody, body);
      if (!parsed.ok) {
        return sendPage(
          reply,
          h(pages.InvitationPage, { ctx: pageContext(req, reply), token, email: check.user.email, hasPassword, values: { name: body.name }, errors: parsed.errors }),
          400,
        );
      }
      input = { name: parsed.data.name, password: parsed.data.password };
    }
    try {
      const { sessionToken } = await accounts.acceptInvitation(app.db, { token, ...input, ...meta(req) });
      setSessionCookie(reply, sessionToken);
      return reply.redirect(`/${req.locale}/account`, 303);
    } catch (err) {
      if (err instanceof accounts.TokenInvalidError) return sendPage(reply, h(pages.InvalidTokenPage, { ctx: pageContext(req, reply), reason: err.reason, kind: 'invitation' }), 410);
      throw err;
    }
  });

  const renderOrgUsers = async (
    req: FastifyRequest,
    reply: FastifyReply,
    organisationId: string,
    extra: { values?: Record<string, string>; errors?: Record<string, string>; message?: string; notice?: string } = {},
    status = 200,
  ) => {
    const { organisationName, items } = await accounts.listOrganisationUsers(app.db, actorOf(req), organisationId);
    return sendPage(reply, h(pages.OrgUsersPage, { ctx: pageContext(req, reply), organisationId, organisationName, users: items, ...extra }), status);
  };

  app.get('/organisations/:id/users', { config: { access: orgUserManagers }, schema: { params: IdParams } }, async (req, reply) => {
    const done = (req.query as Record<string, unknown>).done;
    const notice = done === 'invited' ? req.t('accounts.orgUsers.invited') : done === 'removed' ? req.t('accounts.orgUsers.removed') : undefined;
    return renderOrgUsers(req, reply, req.params.id, { notice });
  });

  app.post('/organisations/:id/users', { config: { access: orgUserManagers }, schema: { params: IdParams } }, async (req, reply) => {
    const body = strings(req.body);
    const values = { email: body.email, name: body.name, role: body.role };
    const parsed = parseForm(InviteBody, body);
    if (!parsed.ok) return renderOrgUsers(req, reply, req.params.id, { values, errors: parsed.errors }, 400);
    const result = await orFieldErrors(() =>
      accounts.inviteOrganisationUser(app.db, actorOf(req), req.params.id, { ...parsed.data, locale: req.locale, publicUrl: app.config.publicUrl }),
    );
    if (!result.ok) return renderOrgUsers(req, reply, req.params.id, { values, errors: result.errors }, 400);
    return reply.redirect(`/${req.locale}/organisations/${req.params.id}/users?done=invited`, 303);
  });

  app.post('/organisations/:id/users/:userId/remove', { config: { access: orgUserManagers }, schema: { params: OrgUserParams } }, async (req, reply) => {
    try {
      await accounts.revokeOrganisationUser(app.db, actorOf(req), req.params.id, req.params.userId);
    } catch (err) {
      if (err instanceof ConflictError && err.code === 'last_admin') {
        return renderOrgUsers(req, reply, req.params.id, { message: req.t('accounts.orgUsers.lastAdmin') }, 409);
      }
      throw err;
    }
    return reply.redirect(`/${req.locale}/organisations/${req.params.id}/users?done=removed`, 303);
  });

  const renderAccount = async (
    req: FastifyRequest,
    reply: FastifyReply,
    extra: { values?: Record<string, string>; errors?: Record<string, string>; passwordErrors?: Record<string, string>; notice?: string } = {},
    status = 200,
  ) => {
    const account = await accounts.getAccount(app.db, actorOf(req));
    const organisations = await accounts.accountOrganisations(app.db, account);
    return sendPage(reply, h(pages.AccountPage, { ctx: pageContext(req, reply), account, organisations, ...extra }), status);
  };

  app.get('/account', { config: { access: 'authenticated' } }, async (req, reply) => {
    const done = (req.query as Record<string, unknown>).done;
    const notice = done === 'saved' ? req.t('accounts.account.saved') : done === 'password' ? req.t('accounts.account.passwordChanged') : undefined;
    return renderAccount(req, reply, { notice });
  });

  app.post('/account', { config: { access: 'authenticated' } }, async (req, reply) => {
    const body = strings(req.body);
    const parsed = parseForm(AccountBody, body);
    if (!parsed.ok) return renderAccount(req, reply, { values: { name: body.name, locale: body.locale }, errors: parsed.errors }, 400);
    const account = await accounts.updateAccount(app.db, actorOf(req), parsed.data);
    return reply.redirect(`/${account.locale}/account?done=saved`, 303);
  });

  app.post('/account/password', { config: { access: 'authenticated' } }, async (req, reply) => {
    const parsed = parseForm(ChangePasswordBody, req.body);
    if (!parsed.ok) return renderAccount(req, reply, { passwordErrors: parsed.errors }, 400);
    const result = await orFieldErrors(() =>
      accounts.changePassword(app.db, actorOf(req), { ...parsed.data, currentSessionToken: req.cookies[SESSION_COOKIE] }),
    );
    if (!result.ok) return renderAccount(req, reply, { passwordErrors: result.errors }, 400);
    return reply.redirect(`/${req.locale}/account?done=password`, 303);
  });

  const renderTokens = async (
    req: FastifyRequest,
    reply: FastifyReply,
    extra: { values?: Record<string, string>; errors?: Record<string, string>; created?: string } = {},
    status = 200,
  ) => {
    const tokens = await accounts.listApiTokens(app.db, actorOf(req));
    return sendPage(reply, h(pages.TokensPage, { ctx: pageContext(req, reply), tokens, ...extra }), status);
  };

  app.get('/account/tokens', { config: { access: 'authenticated' } }, async (req, reply) => renderTokens(req, reply));

  app.post('/account/tokens', { config: { access: 'authenticated' } }, async (req, reply) => {
    const body = strings(req.body);
    const parsed = parseForm(TokenCreateBody, body);
    if (!parsed.ok) return renderTokens(req, reply, { values: { name: body.name, scope: body.scope, expiresInDays: body.expiresInDays }, errors: parsed.errors }, 400);
    const created = await accounts.createApiToken(app.db, actorOf(req), parsed.data);
    // Shown in this response only: the page is not cached and the token is never stored in clear.
    return renderTokens(req, reply, { created: created.token }, 201);
  });

  app.post('/account/tokens/:id/revoke', { config: { access: 'authenticated' }, schema: { params: IdParams } }, async (req, reply) => {
    await accounts.revokeApiToken(app.db, actorOf(req), req.params.id);
    return reply.redirect(`/${req.locale}/account/tokens`, 303);
  });

  const renderAdmin = async (
    req: FastifyRequest,
    reply: FastifyReply,
    extra: { errors?: Record<string, string>; message?: string; notice?: string } = {},
    status = 200,
  ) => {
    const query = UserListQuery.safeParse(req.query);
    const input = query.success ? query.data : { page: 1 };
    const list = await accounts.listUsers(app.db, actorOf(req), input);
    const clusters = await accounts.listClustersForAdmin(app.db);
    return sendPage(
      reply,
      h(pages.AdminUsersPage, { ctx: pageContext(req, reply), users: list.items, total: list.total, page: list.page, pageSize: list.pageSize, search: input.q, clusters, ...extra }),
      status,
    );
  };

  app.get('/admin/users', { config: { access: adminOnly } }, async (req, reply) => {
    const done = (req.query as Record<string, unknown>).done;
    const notice = done === 'granted' ? req.t('accounts.admin.granted') : done === 'revoked' ? req.t('accounts.admin.revoked') : undefined;
    return renderAdmin(req, reply, { notice });
  });

  app.post('/admin/users/:id/roles', { config: { access: adminOnly }, schema: { params: IdParams } }, async (req, reply) => {
    const parsed = parseForm(AdminGrantBody, req.body);
    if (!parsed.ok) return renderAdmin(req, reply, { errors: parsed.errors }, 400);
    try {
      const result = await orFieldErrors(() => accounts.grantRole(app.db, actorOf(req), { userId: req.params.id, ...parsed.data }));
      if (!result.ok) return renderAdmin(req, reply, { errors: result.errors }, 400);
    } catch (err) {
      if (err instanceof ConflictError) return renderAdmin(req, reply, { message: req.t('common.field.taken') }, 409);
      throw err;
    }
    return reply.redirect(`/${req.locale}/admin/users?done=granted`, 303);
  });

  app.post('/admin/users/:id/roles/:roleId/revoke', { config: { access: adminOnly }, schema: { params: RoleParams } }, async (req, reply) => {
    await accounts.revokeRole(app.db, actorOf(req), { userId: req.params.id, roleId: req.params.roleId });
    return reply.redirect(`/${req.locale}/admin/users?done=revoked`, 303);
  });
};
