import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Db } from '../db/db.ts';
import { createTestDb } from '../testing/db.ts';
import { TooManyRequestsError } from './errors.ts';
import { hitRateLimit, resetRateLimit } from './rate-limit.ts';

let db: Db;
before(async () => {
  db = await createTestDb();
});
after(() => db.close());

test('allows up to the limit in a window, then refuses with a retry time', async () => {
  for (let i = 0; i < 3; i++) await hitRateLimit(db, 'k1', { limit: 3, windowSeconds: 60 });
  await assert.rejects(hitRateLimit(db, 'k1', { limit: 3, windowSeconds: 60 }), (err: unknown) => {
    assert.ok(err instanceof TooManyRequestsError);
    assert.ok(err.retryAfterSeconds > 0 && err.retryAfterSeconds <= 60);
    return true;
  });
  await hitRateLimit(db, 'other', { limit: 3, windowSeconds: 60 });
});

test('a new window starts once the old one has passed, and reset forgets the key', async () => {
  await hitRateLimit(db, 'k2', { limit: 1, windowSeconds: 60 });
  await assert.rejects(hitRateLimit(db, 'k2', { limit: 1, windowSeconds: 60 }));
  await db.query(`UPDATE rate_limit SET window_start = now() - interval '61 seconds' WHERE key = 'k2'`);
  await hitRateLimit(db, 'k2', { limit: 1, windowSeconds: 60 });
  await resetRateLimit(db, 'k2');
  await hitRateLimit(db, 'k2', { limit: 1, windowSeconds: 60 });
});
