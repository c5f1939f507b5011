import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { catalogs } from './i18n-catalog.ts';
import { type FeatureMessages, messageKeys, placeholders, translator } from './i18n.ts';

test('Italian and English catalogs have the same keys in every feature', () => {
  for (const [feature, messages] of Object.entries(catalogs) as [string, FeatureMessages][]) {
    const it = Object.keys(messages.it).sort();
    const en = Object.keys(messages.en).sort();
    assert.deepEqual(
      it.filter((k) => !en.includes(k)),
      [],
      `${feature}: keys missing in English`,
    );
    assert.deepEqual(
      en.filter((k) => !it.includes(k)),
      [],
      `${feature}: keys missing in Italian`,
    );
  }
  assert.deepEqual(messageKeys('it').sort(), messageKeys('en').sort());
});

test('placeholders match between the languages and no text is empty', () => {
  for (const [feature, messages] of Object.entries(catalogs) as [string, FeatureMessages][]) {
    for (const key of Object.keys(messages.it)) {
      assert.deepEqual(placeholders(messages.en[key] ?? ''), placeholders(messages.it[key]), `${feature}.${key}: placeholders differ`);
      assert.ok(messages.it[key].trim() && messages.en[key]?.trim(), `${feature}.${key}: empty text`);
    }
  }
});

test('the translator fills placeholders and shows a missing key as itself', () => {
  const t = translator('en');
  assert.equal(t('common.pagination.page', { page: 2, pages: 5 }), 'Page 2 of 5');
  assert.equal(translator('it')('common.pagination.page', { page: 2, pages: 5 }), 'Pagina 2 di 5');
  assert.equal(t('common.no.such.key'), 'common.no.such.key');
});

test('every error code the server throws has its message in both languages (a page never shows the API’s English)', () => {
  const root = fileURLToPath(new URL('../', import.meta.url));
  const codes = new Set<string>();
  const files = readdirSync(root, { recursive: true, encoding: 'utf8' }).filter((f) => /\.tsx?$/.test(f) && !f.endsWith('.test.ts'));
  for (const file of files) {
    const source = readFileSync(join(root, file), 'utf8');
    for (const m of source.matchAll(/new (?:ConflictError\(|AppError\(\d{3}, )'([a-z_]+)'/g)) codes.add(m[1]);
  }
  assert.ok(codes.has('not_submitted') && codes.has('file_too_large'), 'the scan finds the codes');
  for (const locale of ['it', 'en'] as const) {
    const t = translator(locale);
    const missing = [...codes].filter((c) => t(`common.error.${c}`) === `common.error.${c}`);
    assert.deepEqual(missing, [], `${locale}: error codes without a message`);
  }
});
