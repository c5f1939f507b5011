import { buildApp } from './app.ts';
import { ConfigError, loadConfig } from './config.ts';
import { openDb } from './db/db.ts';
import { migrate } from './db/migrate.ts';
import { loadReferenceData } from './db/reference-data.ts';
import { seedDemo } from './features/clusters/clusters.demo.ts';
import { importJobHandlers } from './features/imports/imports.ts';
import { ensureExpiryJob, marketplaceJobHandlers } from './features/marketplace/marketplace.ts';
import { ensureDigestQueued, matchingJobHandlers } from './features/matching/matching.ts';
import { emailHandlers, startJobWorker } from './lib/jobs.ts';
import { createMailer } from './lib/mail.ts';

const usage = `Usage: filiera <command>
  serve     migrate, load reference data (and demo data when FILIERA_DEMO is on), start the server (default)
  migrate   apply migrations and reference data, then exit
  seed      load the demo data into an empty database, then exit`;

async function main() {
  const command = process.argv[2] ?? 'serve';
  if (!['serve', 'migrate', 'seed'].includes(command)) {
    console.error(usage);
    process.exit(2);
  }
  const started = performance.now();
  const config = loadConfig();
  const log = (msg: string) => console.log(`[filiera] ${msg}`);
  const db = await openDb({
    databaseUrl: config.databaseUrl,
    dataDir: config.dataDir,
    onIdleError: (err) => console.error(`[filiera] database connection lost (replaced): ${err.message}`),
  });
  log(config.databaseUrl ? `database: PostgreSQL (${new URL(config.databaseUrl).host})` : `database: PGlite in ${config.dataDir}`);
  await migrate(db, log);
  await loadReferenceData(db, log);
  let logins = null;
  if (command === 'seed' || (command === 'serve' && config.demo)) logins = await seedDemo(db);
  if (command !== 'serve') {
    if (logins) printLogins(logins);
    await db.close();
    return;
  }
  if (config.sessionSecretGenerated) log('SESSION_SECRET not set: generated one for this run (sessions end at restart)');
  const mailer = createMailer({ smtpUrl: config.smtpUrl, from: config.mailFrom, dir: config.mailDir });
  log(`e-mail: ${mailer.describe}`);
  const app = await buildApp({ config, db, mailer });
  // the marketplace's daily expiry run queues its next run itself; this makes sure one is queued
  await ensureExpiryJob(db);
  const stopWorker = startJobWorker(db, { ...emailHandlers(mailer), ...importJobHandlers(db), ...marketplaceJobHandlers(db, { publicUrl: config.publicUrl }), ...matchingJobHandlers(db, { publicUrl: config.publicUrl }) }, { onError: (err) => app.log.error({ err }, 'job worker') });
  await ensureDigestQueued(db);
  await app.listen({ port: config.port, host: config.host });
  log(`ready in ${Math.round(performance.now() - started)} ms: ${config.publicUrl}/it (English: ${config.publicUrl}/en)`);
  if (logins) printLogins(logins);
  const shutdown = async () => {
    await app.close();
    await stopWorker();
    await db.close();
    process.exit(0);
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

function printLogins(logins: { email: string; password: string; role: string }[]) {
  console.log('[filiera] demo logins (demo users, not real people):');
  for (const l of logins) console.log(`  ${l.role.padEnd(22)} ${l.email.padEnd(36)} ${l.password}`);
}

main().catch((err) => {
  console.error(err instanceof ConfigError ? err.message : err);
  process.exit(1);
});
