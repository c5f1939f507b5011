import { hostname } from 'node:os';
import type { Db } from '../db/db.ts';
import { type Locale, translator } from './i18n.ts';
import type { Mailer } from './mail.ts';

/** An e-mail is stored as a template key and parameters; it is translated when sent, in the recipient's language. */
export type EmailJob = { to: string; locale: Locale; template: string; params: Record<string, string | number> };

export type JobHandlers = Record<string, (payload: any) => Promise<void>>;

export async function enqueueJob(tx: Db, kind: string, payload: unknown, runAt?: Date): Promise<void> {
  await tx.query('INSERT INTO job (kind, payload, run_at) VALUES ($1, $2, coalesce($3, now()))', [
    kind,
    JSON.stringify(payload),
    runAt ?? null,
  ]);
}

/** Enqueued in the caller's transaction: the message goes out only if the decision commits. */
export function enqueueEmail(tx: Db, email: EmailJob): Promise<void> {
  return enqueueJob(tx, 'email', email);
}

export function emailHandlers(mailer: Mailer): JobHandlers {
  return {
    async email(job: EmailJob) {
      const t = translator(job.locale);
      await mailer.send({
        to: job.to,
        subject: t(`${job.template}.subject`, job.params),
        text: t(`${job.template}.body`, job.params),
      });
    },
  };
}

type JobRow = { id: number; kind: string; payload: unknown; attempts: number; max_attempts: number };

/**
 * Claims one due job with SKIP LOCKED, so two instances never run the same job; a job locked for
 * more than 5 minutes is taken as abandoned by a crashed instance and claimed again.
 */
export async function runNextJob(db: Db, handlers: JobHandlers, workerId: string): Promise<boolean> {
  const [job] = await db.query<JobRow>(
    `UPDATE job SET locked_at = now(), locked_by = $1, attempts = attempts + 1
      WHERE id = (SELECT id FROM job
                   WHERE done_at IS NULL AND failed_at IS NULL AND run_at <= now()
                     AND (locked_at IS NULL OR locked_at < now() - interval '5 minutes')
                   ORDER BY run_at, id LIMIT 1 FOR UPDATE SKIP LOCKED)
      RETURNING id, kind, payload, attempts, max_attempts`,
    [workerId],
  );
  if (!job) return false;
  const handler = handlers[job.kind];
  try {
    if (!handler) throw new Error(`no handler for job kind ${job.kind}`);
    await handler(job.payload);
    await db.query('UPDATE job SET done_at = now(), locked_at = NULL, last_error = NULL WHERE id = $1', [job.id]);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    const final = job.attempts >= job.max_attempts;
    // Exponential back-off: 30 s, 2 min, 8 min, …
    await db.query(
      `UPDATE job SET locked_at = NULL, last_error = $2,
              failed_at = CASE WHEN $3 THEN now() ELSE NULL END,
              run_at = now() + ($4 || ' seconds')::interval
        WHERE id = $1`,
      [job.id, message.slice(0, 2000), final, String(30 * 4 ** (job.attempts - 1))],
    );
  }
  return true;
}

export async function runDueJobs(db: Db, handlers: JobHandlers, workerId = `${hostname()}:${process.pid}`): Promise<number> {
  let count = 0;
  while (await runNextJob(db, handlers, workerId)) count++;
  return count;
}

export function startJobWorker(db: Db, handlers: JobHandlers, opts: { intervalMs?: number; onError?: (err: unknown) => void } = {}): () => Promise<void> {
  let running: Promise<unknown> = Promise.resolve();
  let busy = false;
  let stopped = false;
  const tick = () => {
    if (busy || stopped) return;
    busy = true;
    running = runDueJobs(db, handlers)
      .catch((err) => opts.onError?.(err))
      .finally(() => {
        busy = false;
      });
  };
  const timer = setInterval(tick, opts.intervalMs ?? 2000);
  timer.unref();
  tick();
  return async () => {
    stopped = true;
    clearInterval(timer);
    await running;
  };
}
