import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { hashToken } from '../../lib/auth.ts';
import { type TestApp, agentFor, createTestApp, form, formHeaders } from '../../testing/app.ts';
import { buildCluster, buildMembership, buildOrganisation, buildUser } from '../../testing/factories.ts';

let t: TestApp;
before(async () => {
  t = await createTestApp();
});
after(() => t.close());

const sessionCookie = (res: { cookies: { name: string; value: string }[] }) => res.cookies.find((c) => c.name === 'filiera_session');

describe('login page', () => {
  test('a form without _csrf is refused with 403', async () => {
    const user = await buildUser(t.db);
    const res = await t.app.inject({
      method: 'POST',
      url: '/it/login',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: form({ email: user.email, password: user.password }),
    });
    assert.equal(res.statusCode, 403);
    assert.equal(sessionCookie(res), undefined);
  });

  test('signs in with a HttpOnly, SameSite=Lax session cookie and keeps only a local next', async () => {
    const user = await buildUser(t.db);
    const agent = await agentFor(t.app);
    const res = await t.app.inject({
      method: 'POST',
      url: '/it/login',
      headers: formHeaders(agent),
      payload: form({ _csrf: agent.csrf, email: user.email.toUpperCase(), password: user.password, next: '/it/account' }),
    });
    assert.equal(res.statusCode, 303);
    assert.equal(res.headers.location, '/it/account');
    const raw = String([res.headers['set-cookie']].flat().find((c) => String(c).startsWith('filiera_session=')));
    assert.match(raw, /HttpOnly/i);
    assert.match(raw, /SameSite=Lax/i);
    assert.match(raw, /Path=\//);
    assert.match(raw, /Max-Age=1209600/);
    assert.doesNotMatch(raw, /Secure/); // test config: secureCookies off
    const cookie = sessionCookie(res)!;
    const [stored] = await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM session WHERE id_hash = $1', [hashToken(cookie.value)]);
    assert.equal(stored.n, 1);
    const page = await t.app.inject({ url: '/it/account', headers: { cookie: `filiera_session=${cookie.value}` } });
    assert.equal(page.statusCode, 200);
    assert.match(page.body, new RegExp(user.email));

    for (const next of ['//evil.example/x', 'https://evil.example/', '/\\evil.example']) {
      const again = await t.app.inject({
        method: 'POST',
        url: '/en/login',
        headers: formHeaders(agent),
        payload: form({ _csrf: agent.csrf, email: user.email, password: user.password, next }),
      });
      assert.equal(again.headers.location, '/en', next);
    }
  });

  test('a wrong password re-renders with 400, the e-mail kept and the password not', async () => {
    const user = await buildUser(t.db);
    const agent = await agentFor(t.app);
    const res = await t.app.inject({
      method: 'POST',
      url: '/en/login',
      headers: formHeaders(agent),
      payload: form({ _csrf: agent.csrf, email: user.email, password: 'wrong-password-123' }),
    });
    assert.equal(res.statusCode, 400);
    assert.match(res.body, /Wrong e-mail address or password/);
    assert.match(res.body, new RegExp(`value="${user.email}"`));
    assert.doesNotMatch(res.body, /wrong-password-123/);
    const empty = await t.app.inject({ method: 'POST', url: '/it/login', headers: formHeaders(agent), payload: form({ _csrf: agent.csrf, email: '', password: '' }) });
    assert.equal(empty.statusCode, 400);
    assert.match(empty.body, /data-field="email"/);
    assert.match(empty.body, /data-field="password"/);
  });

  test('after 5 wrong passwords the page answers 429 with the translated message, for known and unknown e-mails alike', async () => {
    const user = await buildUser(t.db);
    for (const email of [user.email, 'nobody-here@example.org']) {
      const agent = await agentFor(t.app);
      for (let i = 0; i < 5; i++) {
        const r = await t.app.inject({ method: 'POST', url: '/it/login', headers: formHeaders(agent), payload: form({ _csrf: agent.csrf, email, password: 'nope-nope-nope' }) });
        assert.equal(r.statusCode, 400);
      }
      const limited = await t.app.inject({
        method: 'POST',
        url: '/it/login',
        headers: formHeaders(agent),
        payload: form({ _csrf: agent.csrf, email, password: email === user.email ? user.password : 'x' }),
      });
      assert.equal(limited.statusCode, 429);
      assert.match(limited.body, /Troppi tentativi di accesso: per sicurezza l’accesso è sospeso per 15 minuti/);
      assert.match(limited.body, /reimpostarla sblocca subito l’accesso/);
      assert.ok(Number(limited.headers['retry-after']) > 0);
      assert.equal(sessionCookie(limited), undefined);
    }
  });

  test('logout ends the session', async () => {
    const user = await buildUser(t.db);
    const agent = await agentFor(t.app, user.id);
    const res = await t.app.inject({ method: 'POST', url: '/it/logout', headers: formHeaders(agent), payload: form({ _csrf: agent.csrf }) });
    assert.equal(res.statusCode, 303);
    const page = await t.app.inject({ url: '/it/account', headers: { cookie: agent.cookie } });
    assert.equal(page.statusCode, 302);
    assert.match(String(page.headers.location), /\/it\/login\?next=/);
  });
});

describe('sessions API', () => {
  test('POST /api/v1/sessions returns the user summary and sets the cookie; DELETE current signs out', async () => {
    const org = await buildOrganisation(t.db);
    const user = await buildUser(t.db, { roles: [{ role: 'member', organisationId: org.id }] });
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/sessions', payload: { email: user.email, password: user.password } });
    assert.equal(res.statusCode, 200);
    const body = res.json();
    assert.equal(body.id, user.id);
    assert.equal(body.roles[0].role, 'member');
    assert.equal(body.passwordHash, undefined);
    assert.equal(body.password_hash, undefined);
    const cookie = sessionCookie(res)!;
    const me = await t.app.inject({ url: '/api/v1/account', headers: { cookie: `filiera_session=${cookie.value}` } });
    assert.equal(me.json().email, user.email);
    const agent = await agentFor(t.app);
    const headers = { cookie: `${agent.cookie}; filiera_session=${cookie.value}`, 'x-csrf-token': agent.csrf };
    const out = await t.app.inject({ method: 'DELETE', url: '/api/v1/sessions/current', headers });
    assert.equal(out.statusCode, 204);
    const after = await t.app.inject({ url: '/api/v1/account', headers: { cookie: `filiera_session=${cookie.value}` } });
    assert.equal(after.statusCode, 401);

    const bad = await t.app.inject({ method: 'POST', url: '/api/v1/sessions', payload: { email: user.email, password: 'wrong-wrong' } });
    assert.equal(bad.statusCode, 401);
    assert.equal(bad.json().error, 'invalid_credentials');
  });
});

describe('password reset pages', () => {
  test('answers the same for known and unknown addresses; the link sets a new password once and closes other sessions', async () => {
    const user = await buildUser(t.db, { locale: 'en' });
    const other = await agentFor(t.app, user.id);
    const agent = await agentFor(t.app);
    const known = await t.app.inject({ method: 'POST', url: '/it/password-reset', headers: formHeaders(agent), payload: form({ _csrf: agent.csrf, email: user.email }) });
    const unknown = await t.app.inject({ method: 'POST', url: '/it/password-reset', headers: formHeaders(agent), payload: form({ _csrf: agent.csrf, email: 'ghost@example.org' }) });
    assert.equal(known.statusCode, 303);
    assert.equal(unknown.statusCode, known.statusCode);
    assert.equal(unknown.headers.location, known.headers.location);
    t.mailer.sent.length = 0;
    await t.runJobs();
    const mails = t.mailer.sent.filter((m) => m.to === user.email);
    assert.equal(mails.length, 1);
    assert.equal(t.mailer.sent.filter((m) => m.to === 'ghost@example.org').length, 0);
    const token = mails[0].text.match(/\/en\/password-reset\/([A-Za-z0-9_-]+)/)![1];

    const page = await t.app.inject({ url: `/en/password-reset/${token}` });
    assert.equal(page.statusCode, 200);
    const mismatch = await t.app.inject({
      method: 'POST',
      url: `/en/password-reset/${token}`,
      headers: formHeaders(agent),
      payload: form({ _csrf: agent.csrf, password: 'a-new-password-1', passwordConfirmation: 'something-else' }),
    });
    assert.equal(mismatch.statusCode, 400);
    assert.match(mismatch.body, /The values do not match/);
    const short = await t.app.inject({
      method: 'POST',
      url: `/en/password-reset/${token}`,
      headers: formHeaders(agent),
      payload: form({ _csrf: agent.csrf, password: 'short', passwordConfirmation: 'short' }),
    });
    assert.equal(short.statusCode, 400);
    const ok = await t.app.inject({
      method: 'POST',
      url: `/en/password-reset/${token}`,
      headers: formHeaders(agent),
      payload: form({ _csrf: agent.csrf, password: 'a-new-password-1', passwordConfirmation: 'a-new-password-1' }),
    });
    assert.equal(ok.statusCode, 303);
    assert.ok(sessionCookie(ok));
    const oldSession = await t.app.inject({ url: '/api/v1/account', headers: { cookie: other.cookie } });
    assert.equal(oldSession.statusCode, 401);
    const again = await t.app.inject({ url: `/en/password-reset/${token}` });
    assert.equal(again.statusCode, 410);
    assert.match(again.body, /already been used/);
    const login = await t.app.inject({ method: 'POST', url: '/api/v1/sessions', payload: { email: user.email, password: 'a-new-password-1' } });
    assert.equal(login.statusCode, 200);
  });

  test('a malformed e-mail re-renders the form with the error and the input kept', async () => {
    const agent = await agentFor(t.app);
    const res = await t.app.inject({ method: 'POST', url: '/en/password-reset', headers: formHeaders(agent), payload: form({ _csrf: agent.csrf, email: 'not-an-email' }) });
    assert.equal(res.statusCode, 400);
    assert.match(res.body, /Not a valid e-mail address/);
    assert.match(res.body, /value="not-an-email"/);
  });
});

describe('invitations and organisation users', () => {
  test('an org admin invites a colleague, who activates the account and signs in; a used link shows a clear message', async () => {
    const org = await buildOrganisation(t.db, { legal_name: 'Cosmetica Prova Spa' });
    const admin = await buildUser(t.db, { roles: [{ role: 'org_admin', organisationId: org.id }] });
    const agent = await agentFor(t.app, admin.id);
    const bad = await t.app.inject({
      method: 'POST',
      url: `/it/organisations/${org.id}/users`,
      headers: formHeaders(agent),
      payload: form({ _csrf: agent.csrf, email: 'bad', name: 'Mario Rossi', role: 'member' }),
    });
    assert.equal(bad.statusCode, 400);
    assert.match(bad.body, /value="Mario Rossi"/);
    assert.match(bad.body, /Indirizzo e-mail non valido/);
    const res = await t.app.inject({
      method: 'POST',
      url: `/it/organisations/${org.id}/users`,
      headers: formHeaders(agent),
      payload: form({ _csrf: agent.csrf, email: 'mario.rossi@example.org', name: 'Mario Rossi', role: 'member' }),
    });
    assert.equal(res.statusCode, 303);
    const list = await t.app.inject({ url: `/it/organisations/${org.id}/users`, headers: { cookie: agent.cookie } });
    assert.match(list.body, /mario\.rossi@example\.org/);
    assert.match(list.body, /Invito in attesa/);
    t.mailer.sent.length = 0;
    await t.runJobs();
    const mail = t.mailer.sent.find((m) => m.to === 'mario.rossi@example.org')!;
    assert.match(mail.text, /ti ha invitato a gestire su Filiera il profilo di Cosmetica Prova Spa/, 'no "Filiera (Filiera)" when no cluster invites');
    const token = mail.text.match(/\/it\/invitations\/([A-Za-z0-9_-]+)/)![1];
    const page = await t.app.inject({ url: `/it/invitations/${token}` });
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /mario\.rossi@example\.org/);
    const visitor = await agentFor(t.app);
    const accept = await t.app.inject({
      method: 'POST',
      url: `/it/invitations/${token}`,
      headers: formHeaders(visitor),
      payload: form({ _csrf: visitor.csrf, name: 'Mario Rossi', password: 'una-password-lunga', passwordConfirmation: 'una-password-lunga' }),
    });
    assert.equal(accept.statusCode, 303);
    const cookie = sessionCookie(accept)!;
    const me = await t.app.inject({ url: '/api/v1/account', headers: { cookie: `filiera_session=${cookie.value}` } });
    assert.equal(me.json().roles[0].organisationId, org.id);
    // where the invitation lands: the account page says whom they work for and where to go next
    assert.equal(accept.headers.location, '/it/account');
    const welcome = await t.app.inject({ url: '/it/account', headers: { cookie: `filiera_session=${cookie.value}` } });
    assert.match(welcome.body, /Lavori per Cosmetica Prova Spa: da qui puoi/);
    assert.match(welcome.body, new RegExp(`href="/it/organisations/${org.id}/competences"`));
    assert.match(welcome.body, /href="\/it\/marketplace\/new"/);
    assert.doesNotMatch(welcome.body, new RegExp(`href="/it/organisations/${org.id}/users"`), 'a member does not manage users');
    assert.match((await t.app.inject({ url: '/it/account', headers: { cookie: agent.cookie } })).body, new RegExp(`href="/it/organisations/${org.id}/users"`));
    const used = await t.app.inject({ url: `/it/invitations/${token}` });
    assert.equal(used.statusCode, 410);
    assert.match(used.body, /già stato usato/);
  });

  test('access: another organisation’s admin is refused; staff of a cluster the organisation belongs to may list', async () => {
    const org = await buildOrganisation(t.db);
    const cluster = await buildCluster(t.db);
    const otherCluster = await buildCluster(t.db);
    await buildMembership(t.db, cluster.id, org.id);
    const stranger = await buildUser(t.db, { roles: [{ role: 'org_admin', organisationId: (await buildOrganisation(t.db)).id }] });
    const staff = await buildUser(t.db, { roles: [{ role: 'staff', clusterId: cluster.id }] });
    const otherStaff = await buildUser(t.db, { roles: [{ role: 'staff', clusterId: otherCluster.id }] });
    const member = await buildUser(t.db, { roles: [{ role: 'member', organisationId: org.id }] });
    const get = async (userId: string) => (await t.app.inject({ url: `/api/v1/organisations/${org.id}/users`, headers: (await agentFor(t.app, userId)).headers })).statusCode;
    assert.equal(await get(stranger.id), 403);
    assert.equal(await get(otherStaff.id), 403);
    assert.equal(await get(member.id), 403);
    assert.equal(await get(staff.id), 200);
  });

  test('API: invite (the role comes on acceptance), remove a colleague (audited), but not one’s own last admin role; no self-invite', async () => {
    const org = await buildOrganisation(t.db);
    const admin = await buildUser(t.db, { roles: [{ role: 'org_admin', organisationId: org.id }] });
    const agent = await agentFor(t.app, admin.id);
    const selfInvite = await t.app.inject({
      method: 'POST',
      url: `/api/v1/organisations/${org.id}/users`,
      headers: agent.headers,
      payload: { email: admin.email.toUpperCase(), name: 'Me', role: 'member' },
    });
    assert.equal(selfInvite.statusCode, 409);
    assert.equal(selfInvite.json().error, 'self_invite');
    assert.deepEqual(selfInvite.json().fields, { email: 'self_invite' });
    const selfPage = await t.app.inject({
      method: 'POST',
      url: `/en/organisations/${org.id}/users`,
      headers: formHeaders(agent),
      payload: form({ _csrf: agent.csrf, email: admin.email, name: 'Me', role: 'member' }),
    });
    assert.equal(selfPage.statusCode, 400);
    assert.match(selfPage.body, /You cannot invite yourself/);

    t.mailer.sent.length = 0;
    const created = await t.app.inject({
      method: 'POST',
      url: `/api/v1/organisations/${org.id}/users`,
      headers: agent.headers,
      payload: { email: 'colleague@example.org', name: 'Collega', role: 'org_admin' },
    });
    assert.equal(created.statusCode, 201);
    const colleague = created.json();
    assert.deepEqual(colleague.roles, [], 'no role before acceptance');
    assert.equal(colleague.invitedRole, 'org_admin');
    assert.equal(colleague.activated, false);
    const early = await t.app.inject({ method: 'DELETE', url: `/api/v1/organisations/${org.id}/users/${admin.id}`, headers: agent.headers });
    assert.equal(early.statusCode, 409, 'an invited admin who has not accepted does not count');
    assert.equal(early.json().error, 'last_admin');

    await t.runJobs();
    const token = t.mailer.sent.find((m) => m.to === 'colleague@example.org')!.text.match(/\/it\/invitations\/([A-Za-z0-9_-]+)/)![1];
    const visitor = await agentFor(t.app);
    const accept = await t.app.inject({
      method: 'POST',
      url: `/it/invitations/${token}`,
      headers: formHeaders(visitor),
      payload: form({ _csrf: visitor.csrf, name: 'Collega', password: 'una-password-lunga', passwordConfirmation: 'una-password-lunga' }),
    });
    assert.equal(accept.statusCode, 303);
    const list = await t.app.inject({ url: `/api/v1/organisations/${org.id}/users`, headers: agent.headers });
    const accepted = list.json().items.find((u: { id: string }) => u.id === colleague.id);
    assert.deepEqual({ roles: accepted.roles, invitedRole: accepted.invitedRole, activated: accepted.activated }, { roles: ['org_admin'], invitedRole: null, activated: true });

    const self = await t.app.inject({ method: 'DELETE', url: `/api/v1/organisations/${org.id}/users/${admin.id}`, headers: agent.headers });
    assert.equal(self.statusCode, 204, 'another admin exists now');
    // Put the admin back and remove the colleague: then the admin is the last one.
    await t.db.query(`INSERT INTO user_role (user_id, role, organisation_id) VALUES ($1, 'org_admin', $2)`, [admin.id, org.id]);
    const del = await t.app.inject({ method: 'DELETE', url: `/api/v1/organisations/${org.id}/users/${colleague.id}`, headers: agent.headers });
    assert.equal(del.statusCode, 204);
    const last = await t.app.inject({ method: 'DELETE', url: `/api/v1/organisations/${org.id}/users/${admin.id}`, headers: agent.headers });
    assert.equal(last.statusCode, 409);
    assert.equal(last.json().error, 'last_admin');
    const audit = await t.db.query<{ action: string }>(`SELECT action FROM audit_event WHERE subject_id = $1 ORDER BY id`, [colleague.id]);
    assert.deepEqual(audit.map((a) => a.action), ['invitation.sent', 'user.invitation_accepted', 'role.granted', 'role.revoked']);
  });

  test('staff of the cluster invite the first admin of an organisation, but not once it has one', async () => {
    const org = await buildOrganisation(t.db);
    const cluster = await buildCluster(t.db);
    await buildMembership(t.db, cluster.id, org.id);
    const staff = await agentFor(t.app, (await buildUser(t.db, { roles: [{ role: 'staff', clusterId: cluster.id }] })).id);
    const invite = (email: string) =>
      t.app.inject({ method: 'POST', url: `/api/v1/organisations/${org.id}/users`, headers: staff.headers, payload: { email, name: 'Prima', role: 'org_admin' } });
    assert.equal((await invite('first.admin@example.org')).statusCode, 201);
    await buildUser(t.db, { roles: [{ role: 'org_admin', organisationId: org.id }] });
    assert.equal((await invite('another.admin@example.org')).statusCode, 403);
    assert.equal((await t.app.inject({ url: `/api/v1/organisations/${org.id}/users`, headers: staff.headers })).statusCode, 200);
  });
});

describe('account and API tokens', () => {
  test('account form validates, saves name and language; password change needs the current password', async () => {
    const user = await buildUser(t.db);
    const agent = await agentFor(t.app, user.id);
    const bad = await t.app.inject({ method: 'POST', url: '/it/account', headers: formHeaders(agent), payload: form({ _csrf: agent.csrf, name: '', locale: 'fr' }) });
    assert.equal(bad.statusCode, 400);
    assert.match(bad.body, /data-field="name"/);
    assert.match(bad.body, /data-field="locale"/);
    const ok = await t.app.inject({ method: 'POST', url: '/it/account', headers: formHeaders(agent), payload: form({ _csrf: agent.csrf, name: 'Nuovo Nome', locale: 'en' }) });
    assert.equal(ok.statusCode, 303);
    assert.equal(ok.headers.location, '/en/account?done=saved');
    const wrong = await t.app.inject({
      method: 'POST',
      url: '/en/account/password',
      headers: formHeaders(agent),
      payload: form({ _csrf: agent.csrf, currentPassword: 'not-the-password', password: 'brand-new-password', passwordConfirmation: 'brand-new-password' }),
    });
    assert.equal(wrong.statusCode, 400);
    assert.match(wrong.body, /The current password is not correct/);
    const changed = await t.app.inject({
      method: 'POST',
      url: '/en/account/password',
      headers: formHeaders(agent),
      payload: form({ _csrf: agent.csrf, currentPassword: user.password, password: 'brand-new-password', passwordConfirmation: 'brand-new-password' }),
    });
    assert.equal(changed.statusCode, 303);
    const still = await t.app.inject({ url: '/api/v1/account', headers: agent.headers });
    assert.equal(still.statusCode, 200, 'the current session survives');
    assert.equal(still.json().name, 'Nuovo Nome');
  });

  test('a token is shown once, stored hashed; a read token cannot write, a revoked one is refused', async () => {
    const user = await buildUser(t.db);
    const agent = await agentFor(t.app, user.id);
    const page = await t.app.inject({ method: 'POST', url: '/it/account/tokens', headers: formHeaders(agent), payload: form({ _csrf: agent.csrf, name: 'Script', scope: 'read', expiresInDays: '' }) });
    assert.equal(page.statusCode, 201);
    const token = page.body.match(/data-testid="new-token">([^<]+)</)![1];
    const [row] = await t.db.query<{ token_hash: string; days: number }>(
      `SELECT token_hash, round(extract(epoch FROM expires_at - created_at) / 86400)::int AS days FROM api_token WHERE user_id = $1`,
      [user.id],
    );
    assert.equal(row.token_hash, hashToken(token));
    assert.equal(row.days, 90);
    const list = await t.app.inject({ url: '/it/account/tokens', headers: { cookie: agent.cookie } });
    assert.doesNotMatch(list.body, new RegExp(token));
    const tooLong = await t.app.inject({ method: 'POST', url: '/it/account/tokens', headers: formHeaders(agent), payload: form({ _csrf: agent.csrf, name: 'X', scope: 'read', expiresInDays: '400' }) });
    assert.equal(tooLong.statusCode, 400);
    assert.match(tooLong.body, /data-field="expiresInDays"/);

    const bearer = { authorization: `Bearer ${token}` };
    const read = await t.app.inject({ url: '/api/v1/account/tokens', headers: bearer });
    assert.equal(read.statusCode, 200);
    assert.equal(read.json().items[0].name, 'Script');
    assert.ok(read.json().items[0].lastUsedAt);
    assert.equal(read.json().items[0].token, undefined);
    const write = await t.app.inject({ method: 'POST', url: '/api/v1/account/tokens', headers: bearer, payload: { name: 'Escalate', scope: 'read_write' } });
    assert.equal(write.statusCode, 403);
    assert.equal(write.json().error, 'token_scope');

    const rw = await t.app.inject({ method: 'POST', url: '/api/v1/account/tokens', headers: agent.headers, payload: { name: 'RW', scope: 'read_write', expiresInDays: 5 } });
    assert.equal(rw.statusCode, 201);
    const rwToken = rw.json().token as string;
    const revoke = await t.app.inject({ method: 'DELETE', url: `/api/v1/account/tokens/${rw.json().id}`, headers: { authorization: `Bearer ${rwToken}` } });
    assert.equal(revoke.statusCode, 200, 'a read_write token may write');
    const refused = await t.app.inject({ url: '/api/v1/account', headers: { authorization: `Bearer ${rwToken}` } });
    assert.equal(refused.statusCode, 401);
    const foreign = await agentFor(t.app, (await buildUser(t.db)).id);
    const notMine = await t.app.inject({ method: 'DELETE', url: `/api/v1/account/tokens/${rw.json().id}`, headers: foreign.headers });
    assert.equal(notMine.statusCode, 404);
  });
});

describe('platform admin', () => {
  test('only a platform admin lists users and grants/revokes staff with a cluster, audited', async () => {
    const cluster = await buildCluster(t.db);
    const admin = await buildUser(t.db, { roles: [{ role: 'platform_admin' }] });
    const target = await buildUser(t.db, { email: `findme-${Date.now()}@example.org` });
    const staff = await buildUser(t.db, { roles: [{ role: 'staff', clusterId: cluster.id }] });
    const agent = await agentFor(t.app, admin.id);
    assert.equal((await t.app.inject({ url: '/api/v1/admin/users', headers: (await agentFor(t.app, staff.id)).headers })).statusCode, 403);
    const list = await t.app.inject({ url: `/api/v1/admin/users?q=${encodeURIComponent(target.email.slice(0, 20))}`, headers: agent.headers });
    assert.equal(list.statusCode, 200);
    assert.equal(list.json().total, 1);
    assert.equal(list.json().items[0].id, target.id);
    const missingCluster = await t.app.inject({ method: 'POST', url: `/api/v1/admin/users/${target.id}/roles`, headers: agent.headers, payload: { role: 'staff' } });
    assert.equal(missingCluster.statusCode, 400);
    assert.equal(missingCluster.json().fields.clusterId, 'required');
    const page = await t.app.inject({
      method: 'POST',
      url: `/it/admin/users/${target.id}/roles`,
      headers: formHeaders(agent),
      payload: form({ _csrf: agent.csrf, role: 'staff', clusterId: cluster.id }),
    });
    assert.equal(page.statusCode, 303);
    const [role] = await t.db.query<{ id: string; cluster_id: string }>(`SELECT id, cluster_id FROM user_role WHERE user_id = $1 AND role = 'staff'`, [target.id]);
    assert.equal(role.cluster_id, cluster.id);
    const dup = await t.app.inject({ method: 'POST', url: `/api/v1/admin/users/${target.id}/roles`, headers: agent.headers, payload: { role: 'staff', clusterId: cluster.id } });
    assert.equal(dup.statusCode, 409);
    const del = await t.app.inject({ method: 'DELETE', url: `/api/v1/admin/users/${target.id}/roles/${role.id}`, headers: agent.headers });
    assert.equal(del.statusCode, 204);
    const audit = await t.db.query<{ action: string; cluster_id: string }>(`SELECT action, cluster_id FROM audit_event WHERE subject_id = $1 ORDER BY id`, [target.id]);
    assert.deepEqual(audit, [
      { action: 'role.granted', cluster_id: cluster.id },
      { action: 'role.revoked', cluster_id: cluster.id },
    ]);
    const html = await t.app.inject({ url: '/en/admin/users', headers: { cookie: agent.cookie } });
    assert.equal(html.statusCode, 200);
    assert.match(html.body, /Platform users/);
  });
});
