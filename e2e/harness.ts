import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { type BrowserContext, type Page, chromium } from 'playwright-core';
import { buildApp } from '../src/server/app.ts';
import { loadConfig } from '../src/server/config.ts';
import type { Db } from '../src/server/db/db.ts';
import { type DemoLogin, seedDemo } from '../src/server/features/clusters/clusters.demo.ts';
import { emailHandlers, runDueJobs, startJobWorker } from '../src/server/lib/jobs.ts';
import { createMemoryMailer } from '../src/server/lib/mail.ts';
import { createTestDb } from '../src/server/testing/db.ts';

/**
 * Browser journeys: the real app on a real database (PGlite, or PostgreSQL with DATABASE_URL), listening
 * on 127.0.0.1, driven by Debian's Chromium. Only the mail transport is replaced (messages stay in memory).
 * Every step is checked with axe-core (no serious or critical violation) and leaves a full-page
 * screenshot in e2e/artifacts/<journey>/<nn>-<step>.png.
 */

const root = fileURLToPath(new URL('../', import.meta.url));
export const artifactsDir = join(root, 'e2e', 'artifacts');
const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const axePath = join(root, 'node_modules', 'axe-core', 'axe.min.js');

export type Journey = {
  baseUrl: string;
  app: FastifyInstance;
  db: Db;
  mailer: ReturnType<typeof createMemoryMailer>;
  context: BrowserContext;
  page: Page;
  /** Demo logins when the demo data was seeded (null when seedDemo loaded nothing). */
  demoLogins: DemoLogin[] | null;
  /** Delivers every due e-mail now. */
  runJobs(): Promise<number>;
  /**
   * Runs one named step: on success checks the current page with axe-core and saves a screenshot;
   * on failure saves a screenshot too and rethrows with the step's name.
   */
  step<T>(name: string, fn: (page: Page) => Promise<T>, opts?: { axe?: boolean }): Promise<T>;
  /** Signs in through the login form (after signing out whoever was signed in) and waits to leave the login page. */
  signIn(lang: 'it' | 'en', who: { email: string; password: string }): Promise<void>;
  /** Console errors, CSP violations and failed asset loads seen so far. */
  consoleErrors: string[];
  /** The same without the known, accepted ones (see knownConsoleErrors). */
  unexpectedConsoleErrors(): string[];
  close(): Promise<void>;
};

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

/**
 * Console errors the journeys accept, each with its reason. Bootstrap Italia's full stylesheet embeds the
 * VideoJS icon font as a data: URL, which our CSP (font-src 'self') blocks; no page uses a video player.
 */
export const knownConsoleErrors: RegExp[] = [/Loading the font 'data:application\/font-woff.*font-src 'self'/];

let axeSource: string | undefined;

export type AxeViolation = { id: string; impact: string | null; help: string; nodes: { target: unknown[]; failureSummary?: string }[] };

/** Runs axe-core in the page (evaluated through the DevTools protocol, so the page's CSP stays on) and returns serious and critical violations. */
export async function axeViolations(page: Page): Promise<AxeViolation[]> {
  axeSource ??= await readFile(axePath, 'utf8');
  const loaded = await page.evaluate(() => typeof (globalThis as any).axe !== 'undefined');
  if (!loaded) await page.evaluate(axeSource);
  const violations = (await page.evaluate(async () => {
    const res = await (globalThis as any).axe.run(document, { resultTypes: ['violations'] });
    return res.violations.map((v: any) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.slice(0, 5).map((n: any) => ({ target: n.target, failureSummary: n.failureSummary })),
    }));
  })) as AxeViolation[];
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

export function formatViolations(vs: AxeViolation[]): string {
  return vs
    .map((v) => `  [${v.impact}] ${v.id}: ${v.help}\n${v.nodes.map((n) => `      at ${JSON.stringify(n.target)}${n.failureSummary ? ` — ${n.failureSummary.replace(/\n/g, ' ')}` : ''}`).join('\n')}`)
    .join('\n');
}

export async function startJourney(name: string, opts: { demo?: boolean } = {}): Promise<Journey> {
  const db = await createTestDb();
  const demoLogins = opts.demo ? await seedDemo(db) : null;
  const port = await freePort();
  const config = loadConfig({
    NODE_ENV: 'test',
    SESSION_SECRET: 'e2e-secret-e2e-secret-e2e-secret-0000',
    FILIERA_DEMO: opts.demo ? '1' : '0',
    LOG_LEVEL: 'silent',
    HOST: '127.0.0.1',
    PORT: String(port),
  });
  const mailer = createMemoryMailer();
  const app = await buildApp({ config, db, mailer, logger: false });
  await app.listen({ host: '127.0.0.1', port });
  const stopWorker = startJobWorker(db, emailHandlers(mailer), { intervalMs: 250 });
  const baseUrl = `http://127.0.0.1:${port}`;

  const profile = await mkdtemp(join(tmpdir(), 'filiera-e2e-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath,
    headless: true,
    baseURL: baseUrl,
    viewport: { width: 1280, height: 900 },
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  context.setDefaultTimeout(15_000);
  const page = context.pages()[0] ?? (await context.newPage());
  const consoleErrors: string[] = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error' && !/^Failed to load resource/.test(msg.text())) consoleErrors.push(msg.text().replace(/data:[^']{60,}/g, (d) => `${d.slice(0, 40)}…`));
  });
  page.on('pageerror', (err) => consoleErrors.push(String(err)));
  page.on('response', (res) => {
    // A page is allowed its own 4xx (the journeys check them); a missing asset is not.
    if (res.status() >= 400 && res.request().resourceType() !== 'document') consoleErrors.push(`${res.status()} ${res.url()}`);
  });

  const dir = join(artifactsDir, name);
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  let n = 0;
  const shot = async (step: string) => {
    n++;
    const file = join(dir, `${String(n).padStart(2, '0')}-${step.replace(/[^a-z0-9]+/gi, '-').toLowerCase()}.png`);
    await page.screenshot({ path: file, fullPage: true }).catch(() => {});
  };

  return {
    baseUrl,
    app,
    db,
    mailer,
    context,
    page,
    demoLogins,
    consoleErrors,
    runJobs: () => runDueJobs(db, emailHandlers(mailer), 'e2e'),
    async signIn(lang, who) {
      await context.clearCookies();
      await page.goto(`/${lang}/login`);
      await page.fill('main input[name="email"]', who.email);
      await page.fill('main input[name="password"]', who.password);
      await Promise.all([page.waitForURL((u) => !u.pathname.endsWith('/login')), page.locator('main form button[type="submit"]').click()]);
    },
    unexpectedConsoleErrors: () => consoleErrors.filter((e) => !knownConsoleErrors.some((k) => k.test(e))),
    async step(stepName, fn, stepOpts = {}) {
      let result;
      try {
        result = await fn(page);
      } catch (err) {
        await shot(`${stepName}-FAILED`);
        const e = err instanceof Error ? err : new Error(String(err));
        e.message = `step "${stepName}" (at ${page.url()}): ${e.message}`;
        throw e;
      }
      await shot(stepName);
      if (stepOpts.axe !== false) {
        const violations = await axeViolations(page);
        if (violations.length) {
          throw new Error(`step "${stepName}" (at ${page.url()}): accessibility violations (serious or critical):\n${formatViolations(violations)}`);
        }
      }
      return result;
    },
    async close() {
      await context.close().catch(() => {});
      await rm(profile, { recursive: true, force: true }).catch(() => {});
      await app.close();
      await stopWorker();
      await db.close();
    },
  };
}

/** The text of the page's main content, whitespace collapsed. */
export async function mainText(page: Page): Promise<string> {
  const text = await page.locator('main').first().innerText().catch(() => page.locator('body').innerText());
  return text.replace(/\s+/g, ' ');
}
