import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { buildApp } from '../app.ts';
import { loadConfig } from '../config.ts';
import type { Db } from '../db/db.ts';
import { createSession } from '../lib/auth.ts';
import { importJobHandlers } from '../features/imports/imports.ts';
import { runDueJobs, emailHandlers } from '../lib/jobs.ts';
import { createMemoryMailer } from '../lib/mail.ts';
import { createTestDb } from './db.ts';

export type TestApp = {
  app: FastifyInstance;
  db: Db;
  mailer: ReturnType<typeof createMemoryMailer>;
  /** Runs every due job now (e-mails land in mailer.sent). */
  runJobs(): Promise<number>;
  close(): Promise<void>;
};

export const testConfig = () =>
  loadConfig({ NODE_ENV: 'test', SESSION_SECRET: 'test-secret-test-secret-test-secret-00', FILIERA_DEMO: '0', LOG_LEVEL: 'silent' });

/** The real app on a fresh real database; only the mail transport is replaced. */
export async function createTestApp(db?: Db): Promise<TestApp> {
  const database = db ?? (await createTestDb());
  const mailer = createMemoryMailer();
  const app = await buildApp({ config: testConfig(), db: database, mailer, logger: false });
  await app.ready();
  return {
    app,
    db: database,
    mailer,
    runJobs: () => runDueJobs(database, { ...emailHandlers(mailer), ...importJobHandlers(database) }, 'test'),
    async close() {
      await app.close();
      await database.close();
    },
  };
}

export type Agent = {
  /** Headers for a JSON request with the session cookie, the CSRF cookie and token. */
  headers: Record<string, string>;
  /** The CSRF token to put in a form body as _csrf. */
  csrf: string;
  cookie: string;
};

function cookiesFrom(res: LightMyRequestResponse): string[] {
  return res.cookies.map((c) => `${c.name}=${c.value}`);
}

/** A browser-like agent: optional session for the user, plus a CSRF cookie and token. */
export async function agentFor(app: FastifyInstance, userId?: string): Promise<Agent> {
  const res = await app.inject({ method: 'GET', url: '/api/v1/csrf' });
  const cookies = cookiesFrom(res);
  if (userId) cookies.push(`filiera_session=${await createSession(app.db, userId)}`);
  const cookie = cookies.join('; ');
  const csrf = res.json().token as string;
  return { cookie, csrf, headers: { cookie, 'x-csrf-token': csrf } };
}

/** Encodes a form body as a browser would. */
export function form(fields: Record<string, string | string[] | undefined>): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(fields)) {
    if (v === undefined) continue;
    for (const item of [v].flat()) p.append(k, item);
  }
  return p.toString();
}

export const formHeaders = (agent: Agent) => ({ cookie: agent.cookie, 'content-type': 'application/x-www-form-urlencoded' });
