import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { migrate } from './db/migrate.ts';
import { loadReferenceData } from './db/reference-data.ts';
import { hashToken, newToken } from './lib/auth.ts';
import { createEmptyDatabase } from './testing/db.ts';
import { buildUser } from './testing/factories.ts';

// Q7: kill -9 under write load, restart, and find every acknowledged write.
const root = fileURLToPath(new URL('../../', import.meta.url));
let database: Awaited<ReturnType<typeof createEmptyDatabase>>;
let token: string;

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

async function startServer(port: number): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server/main.ts', 'serve'], {
    cwd: root,
    env: { ...process.env, ...database.env, PORT: String(port), FILIERA_DEMO: '0', LOG_LEVEL: 'silent', NODE_ENV: 'test' },
    stdio: 'ignore',
  });
  for (let i = 0; i < 300; i++) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/health`)).ok) return child;
    } catch {}
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill('SIGKILL');
  throw new Error('server did not start');
}

before(async () => {
  database = await createEmptyDatabase();
  const db = await database.open();
  await migrate(db);
  await loadReferenceData(db);
  const user = await buildUser(db, { roles: [{ role: 'platform_admin' }] });
  token = newToken();
  await db.query(
    `INSERT INTO api_token (user_id, name, token_hash, scope, expires_at) VALUES ($1, 'crash', $2, 'read_write', now() + interval '1 day')`,
    [user.id, hashToken(token)],
  );
  await db.close();
});
after(() => database.drop());

test('no acknowledged write is lost when the process is killed with SIGKILL under load', async () => {
  const port = await freePort();
  const server = await startServer(port);
  const acknowledged: string[] = [];
  let stop = false;
  let n = 0;
  const client = async () => {
    while (!stop) {
      const name = `Crash test organisation ${n++}`;
      try {
        const res = await fetch(`http://127.0.0.1:${port}/api/v1/organisations`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body: JSON.stringify({ legalName: name, category: 'company', seats: [{ kind: 'operational', municipalityCode: '015146' }] }),
        });
        if (res.status === 201) acknowledged.push((await res.json()).id);
        else if (res.status >= 500) throw new Error(`unexpected ${res.status}`);
      } catch (err) {
        if (!stop && !(err instanceof TypeError)) throw err;
      }
    }
  };
  const clients = Array.from({ length: 4 }, client);
  while (acknowledged.length < 30) await new Promise((r) => setTimeout(r, 20));
  server.kill('SIGKILL');
  await new Promise((r) => server.once('exit', r));
  stop = true;
  await Promise.all(clients);

  const db = await database.open();
  const rows = await db.query<{ id: string }>('SELECT id FROM organisation WHERE id = ANY($1::uuid[])', [acknowledged]);
  await db.close();
  assert.equal(rows.length, acknowledged.length, `${acknowledged.length - rows.length} acknowledged writes lost`);

  // The data folder or database is still usable: the server starts again and serves what was written.
  const again = await startServer(port);
  try {
    const res = await fetch(`http://127.0.0.1:${port}/api/v1/organisations/${acknowledged[0]}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    assert.equal(res.status, 200);
  } finally {
    again.kill('SIGKILL');
  }
});
