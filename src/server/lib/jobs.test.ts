import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Db } from '../db/db.ts';
import { createTestDb } from '../testing/db.ts';
import { emailHandlers, enqueueEmail, enqueueJob, runDueJobs, runNextJob } from './jobs.ts';
import { createMemoryMailer } from './mail.ts';

let db: Db;
before(async () => {
  db = await createTestDb();
});
after(() => db.close());

test('an e-mail job is translated into the recipient language and sent once', async () => {
  const mailer = createMemoryMailer();
  await enqueueEmail(db, { to: 'a@example.org', locale: 'en', template: 'common.error', params: {} });
  assert.equal(await runDueJobs(db, emailHandlers(mailer), 'w1'), 1);
  assert.equal(await runDueJobs(db, emailHandlers(mailer), 'w2'), 0, 'a done job never runs again');
  assert.equal(mailer.sent.length, 1);
  assert.equal(mailer.sent[0].to, 'a@example.org');
});

test('a job enqueued in a transaction that rolls back never exists', async () => {
  await assert.rejects(
    db.transaction(async (tx) => {
      await enqueueJob(tx, 'noop', {});
      throw new Error('decision failed');
    }),
  );
  const [row] = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM job WHERE kind = 'noop'`);
  assert.equal(row.n, 0);
});

test('a failing job is retried later with back-off, then marked failed', async () => {
  await enqueueJob(db, 'flaky', { n: 1 });
  let calls = 0;
  const handlers = {
    async flaky() {
      calls++;
      throw new Error('smtp down');
    },
  };
  assert.equal(await runNextJob(db, handlers, 'w'), true);
  assert.equal(await runNextJob(db, handlers, 'w'), false, 'not due again before its back-off');
  const [job] = await db.query<{ attempts: number; last_error: string; failed_at: Date | null }>(
    `SELECT attempts, last_error, failed_at FROM job WHERE kind = 'flaky'`,
  );
  assert.equal(job.attempts, 1);
  assert.equal(job.last_error, 'smtp down');
  assert.equal(job.failed_at, null);
  await db.query(`UPDATE job SET run_at = now(), attempts = max_attempts - 1 WHERE kind = 'flaky'`);
  await runNextJob(db, handlers, 'w');
  const [final] = await db.query<{ failed_at: Date | null }>(`SELECT failed_at FROM job WHERE kind = 'flaky'`);
  assert.ok(final.failed_at, 'gives up after max_attempts');
  assert.equal(calls, 2);
});

test('a job locked by a crashed worker is claimed again after five minutes', async () => {
  await enqueueJob(db, 'orphan', {});
  await db.query(`UPDATE job SET locked_at = now() - interval '6 minutes', locked_by = 'dead' WHERE kind = 'orphan'`);
  let ran = 0;
  await runDueJobs(db, { orphan: async () => void ran++ }, 'alive');
  assert.equal(ran, 1);
});
