import assert from 'node:assert/strict';
import { test } from 'node:test';
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
