import assert from 'node:assert/strict';
import { isAbsolute, resolve } from 'node:path';
import { test } from 'node:test';
import { ConfigError, loadConfig } from './config.ts';

test('development defaults: PGlite folder, demo on, generated secret', () => {
  const c = loadConfig({});
  assert.equal(c.port, 3000);
  assert.equal(c.host, '127.0.0.1');
  assert.equal(c.dataDir, './.filiera');
  assert.equal(c.mailDir, './.filiera/mail');
  assert.equal(c.databaseUrl, undefined);
  assert.equal(c.demo, true);
  assert.equal(c.sessionSecretGenerated, true);
  assert.ok(c.sessionSecret.length >= 32);
  assert.ok(isAbsolute(c.cacheDir) && c.cacheDir.endsWith('/.cache/'), 'the project’s .cache/ by default');
});

test('FILIERA_CACHE_DIR names another folder for the compressed assets, made absolute', () => {
  assert.equal(loadConfig({ FILIERA_CACHE_DIR: '/var/cache/filiera' }).cacheDir, '/var/cache/filiera');
  assert.equal(loadConfig({ FILIERA_CACHE_DIR: 'tmp/cache' }).cacheDir, resolve('tmp/cache'));
  assert.throws(() => loadConfig({ FILIERA_CACHE_DIR: '' }), /FILIERA_CACHE_DIR/);
});

test('production needs a session secret, turns demo off and cookies secure', () => {
  assert.throws(() => loadConfig({ NODE_ENV: 'production' }), /SESSION_SECRET/);
  const c = loadConfig({
    NODE_ENV: 'production',
    SESSION_SECRET: 'x'.repeat(40),
    DATABASE_URL: 'postgres://db/filiera',
    PUBLIC_URL: 'https://filiera.example.org',
  });
  assert.equal(c.demo, false);
  assert.equal(c.secureCookies, true);
  assert.equal(c.databaseUrl, 'postgres://db/filiera');
});

test('every invalid variable is listed at once', () => {
  try {
    loadConfig({ PORT: 'abc', DATABASE_URL: 'mysql://x', SMTP_URL: 'http://mail' });
    assert.fail('should throw');
  } catch (err) {
    assert.ok(err instanceof ConfigError);
    assert.match(err.message, /PORT/);
    assert.match(err.message, /DATABASE_URL/);
    assert.match(err.message, /SMTP_URL/);
  }
});

test('production also needs PUBLIC_URL, for the links in e-mails; an empty SMTP_URL means none', () => {
  assert.throws(() => loadConfig({ NODE_ENV: 'production', SESSION_SECRET: 'x'.repeat(40) }), /PUBLIC_URL/);
  const c = loadConfig({ SMTP_URL: '' });
  assert.equal(c.smtpUrl, undefined);
});

test('proxies are not trusted unless configured: hop count or addresses', () => {
  assert.equal(loadConfig({}).trustProxy, false);
  assert.equal(loadConfig({ TRUST_PROXY: '1' }).trustProxy, 1);
  assert.equal(loadConfig({ TRUST_PROXY: '10.0.0.0/8, 127.0.0.1' }).trustProxy, '10.0.0.0/8, 127.0.0.1');
  assert.throws(() => loadConfig({ TRUST_PROXY: 'everyone; drop' }), /TRUST_PROXY/);
});
