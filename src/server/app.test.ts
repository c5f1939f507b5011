import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { buildApp } from './app.ts';
import { createMemoryMailer } from './lib/mail.ts';
import { type TestApp, agentFor, createTestApp, testConfig } from './testing/app.ts';

describe('app shell', () => {
  let t: TestApp;
  before(async () => {
    t = await createTestApp();
  });
  after(() => t.close());

  test('redirects / to the preferred language', async () => {
    const res = await t.app.inject({ url: '/', headers: { 'accept-language': 'en-GB,en;q=0.9' } });
    assert.equal(res.statusCode, 302);
    assert.equal(res.headers.location, '/en');
    const it = await t.app.inject({ url: '/' });
    assert.equal(it.headers.location, '/it');
  });

  test('sends security headers with a CSP that allows no inline script', async () => {
    const res = await t.app.inject({ url: '/health' });
    const csp = String(res.headers['content-security-policy']);
    assert.match(csp, /script-src 'self'/);
    assert.doesNotMatch(csp, /unsafe-inline/);
    assert.equal(res.headers['x-content-type-options'], 'nosniff');
    assert.equal(res.headers['x-frame-options'], 'DENY');
  });

  test('stylesheets and script go out in brotli or gzip as the browser accepts, the same bytes once decoded', async () => {
    const url = '/static/bi/css/bootstrap-italia.min.css';
    const published = readFileSync(fileURLToPath(new URL('../../node_modules/bootstrap-italia/dist/css/bootstrap-italia.min.css', import.meta.url)));
    const br = await t.app.inject({ url, headers: { 'accept-encoding': 'gzip, deflate, br' } });
    assert.equal(br.statusCode, 200);
    assert.equal(br.headers['content-encoding'], 'br');
    assert.match(String(br.headers.vary), /accept-encoding/i);
    assert.match(String(br.headers['content-type']), /^text\/css/);
    assert.ok(br.rawPayload.length < published.length / 5, `${br.rawPayload.length} bytes in brotli`);
    assert.ok(brotliDecompressSync(br.rawPayload).equals(published));
    const gz = await t.app.inject({ url, headers: { 'accept-encoding': 'gzip' } });
    assert.equal(gz.headers['content-encoding'], 'gzip');
    assert.ok(gunzipSync(gz.rawPayload).equals(published));
    const plain = await t.app.inject({ url });
    assert.equal(plain.headers['content-encoding'], undefined);
    assert.ok(plain.rawPayload.equals(published));
    const script = await t.app.inject({ url: '/static/filiera.js', headers: { 'accept-encoding': 'gzip' } });
    assert.equal(script.headers['content-encoding'], 'gzip');
    assert.match(gunzipSync(script.rawPayload).toString(), /Escape/);
    // Fonts are compressed already: sent as they are, from Bootstrap Italia's folder.
    const font = await t.app.inject({ url: '/static/bi/fonts/Titillium_Web/titillium-web-v10-latin-ext_latin-regular.woff2', headers: { 'accept-encoding': 'br' } });
    assert.equal(font.statusCode, 200);
    assert.equal(font.headers['content-encoding'], undefined);
    assert.equal((await t.app.inject({ url: '/static/bi/js/bootstrap-italia.bundle.min.js' })).statusCode, 404);
    // What only the published folder holds is still found there.
    const map = await t.app.inject({ url: '/static/bi/css/bootstrap-italia.min.css.map', headers: { 'accept-encoding': 'br' } });
    assert.equal(map.statusCode, 200);
    assert.equal((await t.app.inject({ url: '/static/bi/svg/sprites.svg' })).statusCode, 200);
  });

  test('the compressed copies go where FILIERA_CACHE_DIR says', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'filiera-cache-'));
    const app = await buildApp({ config: { ...testConfig(), cacheDir: dir }, db: t.db, mailer: createMemoryMailer(), logger: false });
    try {
      await app.ready();
      assert.deepEqual(readdirSync(dir).filter((d) => /^static-[0-9a-f]{16}$/.test(d)).length, 1);
      const res = await app.inject({ url: '/static/filiera.css', headers: { 'accept-encoding': 'br' } });
      assert.equal(res.headers['content-encoding'], 'br');
    } finally {
      await app.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('unknown API routes are 404 in JSON, unknown pages a localised page', async () => {
    const api = await t.app.inject({ url: '/api/v1/nothing-here' });
    assert.equal(api.statusCode, 404);
    assert.equal(api.json().error, 'not_found');
    const page = await t.app.inject({ url: '/en/nothing-here' });
    assert.equal(page.statusCode, 404);
    assert.match(page.body, /Page not found/);
    assert.match(page.body, /<html lang="en"/);
    // a page address without its language goes to the reader's language, query kept; never off the site
    const bare = await t.app.inject({ url: '/organisations?category=company', headers: { 'accept-language': 'en-GB' } });
    assert.equal(bare.statusCode, 302);
    assert.equal(bare.headers.location, '/en/organisations?category=company');
    assert.equal((await t.app.inject({ url: '/marketplace' })).headers.location, '/it/marketplace');
    assert.equal((await t.app.inject({ url: '//evil.example/x' })).headers.location, '/it//evil.example/x');
    assert.equal((await t.app.inject({ url: '/static/nothing.css' })).statusCode, 404);
    assert.equal((await t.app.inject({ method: 'POST', url: '/organisations' })).statusCode, 404);
    const icon = await t.app.inject({ url: '/favicon.ico' });
    assert.equal(icon.statusCode, 301);
    assert.equal((await t.app.inject({ url: icon.headers.location as string })).statusCode, 200);
  });

  test('malformed JSON is a 400 and an oversized body a 413', async () => {
    const agent = await agentFor(t.app);
    const bad = await t.app.inject({
      method: 'POST',
      url: '/api/v1/csrf',
      headers: { 'content-type': 'application/json' },
      payload: '{nope',
    });
    assert.ok(bad.statusCode === 400 || bad.statusCode === 404, `got ${bad.statusCode}`);
    const big = await t.app.inject({
      method: 'POST',
      url: '/it/login',
      headers: { ...agent.headers, 'content-type': 'application/json' },
      payload: JSON.stringify({ x: 'a'.repeat(1024 * 1024 + 10) }),
    });
    assert.equal(big.statusCode, 413);
  });

  test('the OpenAPI document is served', async () => {
    const res = await t.app.inject({ url: '/api/docs/json' });
    assert.equal(res.statusCode, 200);
    assert.equal(res.json().openapi, '3.0.3');
  });
});

describe('request logging and client address', () => {
  test('one-time tokens in reset and invitation links never reach the log', async () => {
    const { redactTokens } = await import('./app.ts');
    assert.equal(redactTokens('/it/password-reset/abcDEF123?x=1'), '/it/password-reset/[redacted]?x=1');
    assert.equal(redactTokens('/api/v1/password-resets/tok'), '/api/v1/password-resets/[redacted]');
    assert.equal(redactTokens('/en/invitations/secret-token'), '/en/invitations/[redacted]');
    assert.equal(redactTokens('/it/organisations/123'), '/it/organisations/123');
  });

  test('X-Forwarded-For is ignored unless a proxy is configured', async () => {
    const { buildApp } = await import('./app.ts');
    const { createMemoryMailer } = await import('./lib/mail.ts');
    const { loadConfig } = await import('./config.ts');
    const { createTestDb } = await import('./testing/db.ts');
    const db = await createTestDb();
    const ipOf = async (env: Record<string, string>) => {
      const app = await buildApp({ config: loadConfig({ ...env, LOG_LEVEL: 'silent' }), db, mailer: createMemoryMailer(), logger: false });
      app.get('/ip-probe', { config: { access: 'public' } }, async (req) => ({ ip: req.ip }));
      const res = await app.inject({ url: '/ip-probe', headers: { 'x-forwarded-for': '203.0.113.9' }, remoteAddress: '127.0.0.1' });
      await app.close();
      return res.json().ip;
    };
    try {
      assert.equal(await ipOf({}), '127.0.0.1');
      assert.equal(await ipOf({ TRUST_PROXY: '1' }), '203.0.113.9');
      assert.equal(await ipOf({ TRUST_PROXY: '10.0.0.0/8' }), '127.0.0.1');
    } finally {
      await db.close();
    }
  });
});
