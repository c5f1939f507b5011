import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Db } from '../../db/db.ts';
import { type Actor, actorFromApiToken, actorFromSession, hashToken } from '../../lib/auth.ts';
import { TooManyRequestsError } from '../../lib/errors.ts';
import { emailHandlers, runDueJobs } from '../../lib/jobs.ts';
import { createMemoryMailer } from '../../lib/mail.ts';
import { createTestDb } from '../../testing/db.ts';
import { buildCluster, buildMembership, buildOrganisation, buildUser } from '../../testing/factories.ts';
import {
  acceptInvitation,
  createApiToken,
  hashPassword,
  inviteOrganisationUser,
  inviteUser,
  listOrganisationUsers,
  LOGIN_LIMITS,
  login,
  logout,
  RESET_LIMITS,
  requestPasswordReset,
  resetPassword,
  revokeApiToken,
  revokeOrganisationUser,
} from './accounts.ts';

let db: Db;
before(async () => {
  db = await createTestDb();
});
after(() => db.close());

const actorOf = (u: { id: string; email: string; name: string }, roles: Actor['roles'] = []): Actor => ({
  userId: u.id,
  email: u.email,
  name: u.name,
  locale: 'it',
  isDemo: false,
  roles,
});

const orgRoles = (userId: string, organisationId: string) =>
  db.query<{ role: string }>('SELECT role FROM user_role WHERE user_id = $1 AND organisation_id = $2 ORDER BY role', [userId, organisationId]);

describe('inviteUser', () => {
  test('creates a user without password, a hashed 14-day token carrying the role, an e-mail and an audit row; the role comes only on acceptance', async () => {
    const org = await buildOrganisation(db, { legal_name: 'Laboratori Prova Srl' });
    const admin = await buildUser(db, { name: 'Anna Admin' });
    const mailer = createMemoryMailer();
    const { userId } = await db.transaction((tx) =>
      inviteUser(tx, actorOf(admin), {
        email: ' New.Person@Example.org ',
        name: 'Nuova Persona',
        organisationId: org.id,
        role: 'org_admin',
        locale: 'it',
        publicUrl: 'https://filiera.test/',
      }),
    );
    const [user] = await db.query<{ email: string; password_hash: string | null }>('SELECT email, password_hash FROM app_user WHERE id = $1', [userId]);
    assert.equal(user.email, 'new.person@example.org');
    assert.equal(user.password_hash, null);
    assert.deepEqual(await db.query('SELECT role FROM user_role WHERE user_id = $1', [userId]), [], 'no role while the invitation is only sent');
    const sent = await db.query<{ action: string; actor_user_id: string; subject_id: string }>(
      `SELECT action, actor_user_id, subject_id FROM audit_event WHERE subject_type = 'user' AND subject_id = $1`,
      [userId],
    );
    assert.deepEqual(sent, [{ action: 'invitation.sent', actor_user_id: admin.id, subject_id: userId }]);

    await runDueJobs(db, emailHandlers(mailer), 'test');
    assert.equal(mailer.sent.length, 1);
    assert.equal(mailer.sent[0].to, 'new.person@example.org');
    assert.match(mailer.sent[0].subject, /Laboratori Prova Srl/);
    const link = mailer.sent[0].text.match(/https:\/\/filiera\.test\/it\/invitations\/([A-Za-z0-9_-]+)/);
    assert.ok(link, mailer.sent[0].text);
    const token = link[1];
    const [stored] = await db.query<{ token_hash: string; kind: string; days: number }>(
      `SELECT token_hash, kind, round(extract(epoch FROM expires_at - created_at) / 86400)::int AS days FROM one_time_token WHERE user_id = $1`,
      [userId],
    );
    assert.equal(stored.token_hash, hashToken(token));
    assert.notEqual(stored.token_hash, token);
    assert.equal(stored.kind, 'invitation');
    assert.equal(stored.days, 14);

    await acceptInvitation(db, { token, name: 'Nuova Persona', password: 'una-password-lunga' });
    const roles = await db.query<{ role: string; organisation_id: string; granted_by: string }>(
      'SELECT role, organisation_id, granted_by FROM user_role WHERE user_id = $1',
      [userId],
    );
    assert.deepEqual(roles, [{ role: 'org_admin', organisation_id: org.id, granted_by: admin.id }]);
    const audit = await db.query<{ action: string; actor_user_id: string }>(
      `SELECT action, actor_user_id FROM audit_event WHERE subject_type = 'user' AND subject_id = $1 ORDER BY id`,
      [userId],
    );
    assert.deepEqual(audit.map((a) => a.action), ['invitation.sent', 'user.invitation_accepted', 'role.granted']);
  });

  test('a person who already has a password gets the role of a second organisation only by following the link', async () => {
    const first = await buildOrganisation(db);
    const second = await buildOrganisation(db);
    const person = await buildUser(db, { roles: [{ role: 'member', organisationId: first.id }] });
    const mailer = createMemoryMailer();
    await db.transaction((tx) =>
      inviteUser(tx, null, { email: person.email, name: '', organisationId: second.id, role: 'member', locale: 'en', publicUrl: 'http://h' }),
    );
    assert.deepEqual(await orgRoles(person.id, second.id), []);
    await runDueJobs(db, emailHandlers(mailer), 'test');
    const token = mailer.sent.find((m) => m.to === person.email)!.text.match(/\/en\/invitations\/([A-Za-z0-9_-]+)/)![1];
    await acceptInvitation(db, { token });
    assert.deepEqual(await orgRoles(person.id, second.id), [{ role: 'member' }]);
    assert.deepEqual(await orgRoles(person.id, first.id), [{ role: 'member' }]);
  });

  test('nobody invites themselves', async () => {
    const org = await buildOrganisation(db);
    const admin = await buildUser(db, { email: 'Self.Inviter@example.org', roles: [{ role: 'org_admin', organisationId: org.id }] });
    const actor = actorOf(admin, [{ role: 'org_admin', clusterId: null, organisationId: org.id }]);
    await assert.rejects(
      inviteOrganisationUser(db, actor, org.id, { email: ' self.inviter@EXAMPLE.org', name: 'Me', role: 'org_admin', locale: 'it', publicUrl: 'http://h' }),
      (err: { status?: number; code?: string; fields?: Record<string, string> }) =>
        err.status === 409 && err.code === 'self_invite' && err.fields?.email === 'self_invite',
    );
    const [{ n }] = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM one_time_token WHERE user_id = $1`, [admin.id]);
    assert.equal(n, 0);
  });

  test('staff of the cluster and region officers invite only while the organisation has no org_admin; platform admins always', async () => {
    const org = await buildOrganisation(db);
    const cluster = await buildCluster(db);
    await buildMembership(db, cluster.id, org.id);
    const staff = actorOf(await buildUser(db), [{ role: 'staff', clusterId: cluster.id, organisationId: null }]);
    const otherStaff = actorOf(await buildUser(db), [{ role: 'staff', clusterId: (await buildCluster(db)).id, organisationId: null }]);
    const region = actorOf(await buildUser(db), [{ role: 'region', clusterId: null, organisationId: null }]);
    const platform = actorOf(await buildUser(db), [{ role: 'platform_admin', clusterId: null, organisationId: null }]);
    const invite = (actor: Actor, email: string, role: 'member' | 'org_admin' = 'member') =>
      inviteOrganisationUser(db, actor, org.id, { email, name: 'X', role, locale: 'it', publicUrl: 'http://h' });

    await assert.rejects(invite(otherStaff, 'a@example.org'), /not allowed/);
    await invite(staff, 'first.admin@example.org', 'org_admin');
    await invite(region, 'second@example.org');
    // The first admin accepts: from now on only the organisation's admins (and platform admins) invite.
    const [tokenRow] = await db.query<{ user_id: string }>(`SELECT u.id AS user_id FROM app_user u WHERE u.email = 'first.admin@example.org'`);
    await db.query(`INSERT INTO user_role (user_id, role, organisation_id) VALUES ($1, 'org_admin', $2)`, [tokenRow.user_id, org.id]);
    await assert.rejects(invite(staff, 'late@example.org'), /administrators manage/);
    await assert.rejects(invite(region, 'late@example.org'), /administrators manage/);
    await assert.rejects(revokeOrganisationUser(db, staff, org.id, tokenRow.user_id), /administrators manage/);
    await invite(platform, 'by-platform@example.org');
    const orgAdmin = actorOf({ id: tokenRow.user_id, email: 'first.admin@example.org', name: 'A' }, [
      { role: 'org_admin', clusterId: null, organisationId: org.id },
    ]);
    await invite(orgAdmin, 'by-admin@example.org');
    // Staff still see the users and the open invitations.
    const { items } = await listOrganisationUsers(db, staff, org.id);
    assert.deepEqual(
      items.map((u) => [u.email, u.roles, u.invited_role]).sort(),
      [
        ['by-admin@example.org', [], 'member'],
        ['by-platform@example.org', [], 'member'],
        ['first.admin@example.org', ['org_admin'], 'org_admin'],
        ['second@example.org', [], 'member'],
      ],
    );
  });

  test('removing a person with an open invitation cancels it: the link no longer grants anything', async () => {
    const org = await buildOrganisation(db);
    const admin = await buildUser(db, { roles: [{ role: 'org_admin', organisationId: org.id }] });
    const actor = actorOf(admin, [{ role: 'org_admin', clusterId: null, organisationId: org.id }]);
    const mailer = createMemoryMailer();
    const { userId } = await inviteOrganisationUser(db, actor, org.id, { email: 'cancel.me@example.org', name: 'C', role: 'org_admin', locale: 'it', publicUrl: 'http://h' });
    await runDueJobs(db, emailHandlers(mailer), 'test');
    const token = mailer.sent.find((m) => m.to === 'cancel.me@example.org')!.text.match(/\/it\/invitations\/([A-Za-z0-9_-]+)/)![1];
    await revokeOrganisationUser(db, actor, org.id, userId);
    await assert.rejects(acceptInvitation(db, { token, name: 'C', password: 'una-password-lunga' }), /expired or has already been used/);
    assert.deepEqual(await orgRoles(userId, org.id), []);
    await assert.rejects(revokeOrganisationUser(db, actor, org.id, userId), /not found/);
  });

  test('finds an existing user by e-mail case-insensitively and does not duplicate a role it already has', async () => {
    const org = await buildOrganisation(db);
    const existing = await buildUser(db, { email: 'Existing@Example.org', roles: [{ role: 'member', organisationId: org.id }] });
    const input = { email: 'existing@example.ORG', name: 'X', organisationId: org.id, role: 'member' as const, locale: 'en' as const, publicUrl: 'http://h' };
    const { userId } = await db.transaction((tx) => inviteUser(tx, null, input));
    assert.equal(userId, existing.id);
    const [{ n }] = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM user_role WHERE user_id = $1', [userId]);
    assert.equal(n, 1);
    const audit = await db.query<{ action: string }>(`SELECT action FROM audit_event WHERE subject_id = $1`, [userId]);
    assert.deepEqual(audit.map((a) => a.action), ['invitation.sent']);
  });

  test('rolls back with the caller transaction', async () => {
    const org = await buildOrganisation(db);
    await assert.rejects(
      db.transaction(async (tx) => {
        await inviteUser(tx, null, { email: 'rollback@example.org', name: 'R', organisationId: org.id, role: 'member', locale: 'it', publicUrl: 'http://h' });
        throw new Error('boom');
      }),
      /boom/,
    );
    const rows = await db.query(`SELECT id FROM app_user WHERE email = 'rollback@example.org'`);
    assert.equal(rows.length, 0);
  });

  test('unknown organisation is a NotFound', async () => {
    await assert.rejects(
      db.transaction((tx) =>
        inviteUser(tx, null, { email: 'x@example.org', name: 'X', organisationId: '00000000-0000-0000-0000-000000000001', role: 'member', locale: 'it', publicUrl: 'http://h' }),
      ),
      /not found/,
    );
  });
});

describe('passwords, sessions and tokens', () => {
  test('passwords are argon2id; login creates a session stored by hash and logout destroys it', async () => {
    const h = await hashPassword('una password lunga');
    assert.match(h, /^\$argon2id\$/);
    const user = await buildUser(db);
    const { token, user: summary } = await login(db, { email: user.email, password: user.password, ip: '10.0.0.1' });
    assert.equal(summary.id, user.id);
    const rows = await db.query<{ id_hash: string }>('SELECT id_hash FROM session WHERE user_id = $1', [user.id]);
    assert.deepEqual(rows.map((r) => r.id_hash), [hashToken(token)]);
    assert.equal((await actorFromSession(db, token))?.userId, user.id);
    await logout(db, token);
    assert.equal(await actorFromSession(db, token), null);
  });

  test('five failures per e-mail lock the e-mail even with the right password; success resets the counter', async () => {
    const user = await buildUser(db);
    for (let i = 0; i < 4; i++) await assert.rejects(login(db, { email: user.email, password: 'wrong-one-123', ip: '10.0.0.2' }), /wrong/);
    await login(db, { email: user.email, password: user.password, ip: '10.0.0.2' });
    for (let i = 0; i < 5; i++) await assert.rejects(login(db, { email: user.email, password: 'wrong-one-123', ip: '10.0.0.2' }), /wrong/);
    await assert.rejects(login(db, { email: user.email, password: user.password, ip: '10.0.0.2' }), TooManyRequestsError);
    // An uninvited user without a password cannot sign in with any password.
    const org = await buildOrganisation(db);
    await db.transaction((tx) => inviteUser(tx, null, { email: 'pending@example.org', name: 'P', organisationId: org.id, role: 'member', locale: 'it', publicUrl: 'http://h' }));
    await assert.rejects(login(db, { email: 'pending@example.org', password: '', ip: '10.0.0.3' }), /wrong/);
  });

  test('parallel wrong logins cannot beat the limit: each attempt is counted before the password is checked', async () => {
    const user = await buildUser(db);
    const results = await Promise.allSettled(
      Array.from({ length: 10 }, () => login(db, { email: user.email, password: 'wrong-one-123', ip: '10.0.1.1' })),
    );
    const statuses = results.map((r) => (r.status === 'rejected' ? (r.reason as { status?: number }).status : 200));
    assert.equal(statuses.filter((s) => s === 401).length, LOGIN_LIMITS.email.limit, statuses.join(','));
    assert.equal(statuses.filter((s) => s === 429).length, 10 - LOGIN_LIMITS.email.limit, statuses.join(','));
    await assert.rejects(login(db, { email: user.email, password: user.password, ip: '10.0.1.2' }), TooManyRequestsError);
  });

  test('parallel logins from one IP over many e-mails stop at the IP limit', async () => {
    const n = LOGIN_LIMITS.ip.limit + 10;
    const results = await Promise.allSettled(
      Array.from({ length: n }, (_, i) => login(db, { email: `nobody${i}@example.org`, password: 'wrong-one-123', ip: '10.0.1.3' })),
    );
    const passed = results.filter((r) => r.status === 'rejected' && (r.reason as { status?: number }).status === 401).length;
    assert.equal(passed, LOGIN_LIMITS.ip.limit);
  });

  test('parallel password-reset requests cannot beat the limit either', async () => {
    const user = await buildUser(db);
    const results = await Promise.allSettled(
      Array.from({ length: 10 }, () => requestPasswordReset(db, { email: user.email, ip: '10.0.1.4', publicUrl: 'http://h' })),
    );
    assert.equal(results.filter((r) => r.status === 'fulfilled').length, RESET_LIMITS.email.limit);
    const [{ n }] = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM one_time_token WHERE user_id = $1 AND kind = 'password_reset'`, [user.id]);
    assert.equal(n, RESET_LIMITS.email.limit);
  });

  test('a password reset revokes every API token of the user, audited; other users keep theirs', async () => {
    const user = await buildUser(db);
    const other = await buildUser(db);
    const a = await createApiToken(db, actorOf(user), { name: 'script a', scope: 'read', expiresInDays: 30 });
    const b = await createApiToken(db, actorOf(user), { name: 'script b', scope: 'read_write', expiresInDays: 30 });
    const kept = await createApiToken(db, actorOf(other), { name: 'other', scope: 'read', expiresInDays: 30 });
    const mailer = createMemoryMailer();
    // signing in is held back after too many wrong passwords
    for (let i = 0; i < LOGIN_LIMITS.email.limit; i++) await login(db, { email: user.email, password: 'sbagliata-sbagliata', ip: `10.0.3.${i}` }).catch(() => null);
    await assert.rejects(login(db, { email: user.email, password: user.password, ip: '10.0.3.9' }), TooManyRequestsError);
    await requestPasswordReset(db, { email: user.email, ip: '10.0.2.1', publicUrl: 'http://h' });
    await runDueJobs(db, emailHandlers(mailer), 'test');
    const token = mailer.sent.find((m) => m.to === user.email)!.text.match(/\/password-reset\/([A-Za-z0-9_-]+)/)![1];
    await resetPassword(db, { token, password: 'una-nuova-password' });
    // whoever reset the password controls the address: signing in works again at once
    assert.ok((await login(db, { email: user.email, password: 'una-nuova-password', ip: '10.0.3.10' })).token);
    assert.equal(await actorFromApiToken(db, a.token), null);
    assert.equal(await actorFromApiToken(db, b.token), null);
    assert.equal((await actorFromApiToken(db, kept.token))?.userId, other.id);
    const audit = await db.query<{ subject_id: string; actor_user_id: string }>(
      `SELECT subject_id, actor_user_id FROM audit_event WHERE action = 'api_token.revoked' AND subject_id = ANY($1::text[]) ORDER BY subject_id`,
      [[a.id, b.id, kept.id]],
    );
    assert.deepEqual(audit, [a.id, b.id].sort().map((id) => ({ subject_id: id, actor_user_id: user.id })));
  });

  test('API tokens: only the hash is stored; revoked and expired tokens do not authenticate', async () => {
    const user = await buildUser(db);
    const actor = actorOf(user);
    const read = await createApiToken(db, actor, { name: 'r', scope: 'read', expiresInDays: 90 });
    const [row] = await db.query<{ token_hash: string }>('SELECT token_hash FROM api_token WHERE id = $1', [read.id]);
    assert.equal(row.token_hash, hashToken(read.token));
    const plain = await db.query('SELECT 1 FROM api_token WHERE token_hash = $1', [read.token]);
    assert.equal(plain.length, 0);
    assert.equal((await actorFromApiToken(db, read.token))?.tokenScope, 'read');
    const rw = await createApiToken(db, actor, { name: 'rw', scope: 'read_write', expiresInDays: 1 });
    assert.equal((await actorFromApiToken(db, rw.token))?.tokenScope, 'read_write');
    await db.query(`UPDATE api_token SET expires_at = now() - interval '1 second' WHERE id = $1`, [rw.id]);
    assert.equal(await actorFromApiToken(db, rw.token), null);
    await revokeApiToken(db, actor, read.id);
    assert.equal(await actorFromApiToken(db, read.token), null);
    await assert.rejects(revokeApiToken(db, actorOf(await buildUser(db)), read.id), /not found/);
  });
});
