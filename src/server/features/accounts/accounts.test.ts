import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Db } from '../../db/db.ts';
import { type Actor, hashToken } from '../../lib/auth.ts';
import { emailHandlers, runDueJobs } from '../../lib/jobs.ts';
import { createMemoryMailer } from '../../lib/mail.ts';
import { createTestDb } from '../../testing/db.ts';
import { buildOrganisation, buildUser } from '../../testing/factories.ts';
import { inviteUser } from './accounts.ts';

let db: Db;
before(async () => {
  db = await createTestDb();
});
after(() => db.close());

const actorOf = (u: { id: string; email: string; name: string }): Actor => ({
  userId: u.id,
  email: u.email,
  name: u.name,
  locale: 'it',
  isDemo: false,
  roles: [],
});

describe('inviteUser', () => {
  test('creates a user without password, the role, a hashed 14-day token, an e-mail and an audit row in the caller transaction', async () => {
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
    const roles = await db.query<{ role: string; organisation_id: string; granted_by: string }>(
      'SELECT role, organisation_id, granted_by FROM user_role WHERE user_id = $1',
      [userId],
    );
    assert.deepEqual(roles, [{ role: 'org_admin', organisation_id: org.id, granted_by: admin.id }]);
    const [audit] = await db.query<{ action: string; actor_user_id: string; subject_id: string }>(
      `SELECT action, actor_user_id, subject_id FROM audit_event WHERE subject_type = 'user' AND subject_id = $1`,
      [userId],
    );
    assert.deepEqual(audit, { action: 'role.granted', actor_user_id: admin.id, subject_id: userId });

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
  });

  test('finds an existing user by e-mail case-insensitively and does not duplicate a role it already has', async () => {
    const org = await buildOrganisation(db);
    const existing = await buildUser(db, { email: 'Existing@Example.org', roles: [{ role: 'member', organisationId: org.id }] });
    const input = { email: 'existing@example.ORG', name: 'X', organisationId: org.id, role: 'member' as const, locale: 'en' as const, publicUrl: 'http://h' };
    const { userId } = await db.transaction((tx) => inviteUser(tx, null, input));
    assert.equal(userId, existing.id);
    const [{ n }] = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM user_role WHERE user_id = $1', [userId]);
    assert.equal(n, 1);
    const [{ a }] = await db.query<{ a: number }>(`SELECT count(*)::int AS a FROM audit_event WHERE subject_id = $1`, [userId]);
    assert.equal(a, 0);
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
