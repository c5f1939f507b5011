import type { Db } from '../db/db.ts';
import { TooManyRequestsError } from './errors.ts';

export type RateLimit = { limit: number; windowSeconds: number };

/**
 * Counts one hit for key in a fixed window kept in the database, so the limit holds across instances.
 * Throws TooManyRequestsError once the window's hits exceed the limit.
 */
export async function hitRateLimit(db: Db, key: string, { limit, windowSeconds }: RateLimit): Promise<void> {
  const [row] = await db.query<{ hits: number; retry_after: number }>(
    `INSERT INTO rate_limit (key, window_start, hits) VALUES ($1, now(), 1)
     ON CONFLICT (key) DO UPDATE SET
       hits = CASE WHEN rate_limit.window_start <= now() - make_interval(secs => $2) THEN 1 ELSE rate_limit.hits + 1 END,
       window_start = CASE WHEN rate_limit.window_start <= now() - make_interval(secs => $2) THEN now() ELSE rate_limit.window_start END
     RETURNING hits, ceil(extract(epoch FROM window_start + make_interval(secs => $2) - now()))::int AS retry_after`,
    [key, windowSeconds],
  );
  if (row.hits > limit) throw new TooManyRequestsError(Math.max(1, row.retry_after));
}

/** Forgets a key, e.g. after a successful login. */
export async function resetRateLimit(db: Db, key: string): Promise<void> {
  await db.query('DELETE FROM rate_limit WHERE key = $1', [key]);
}
