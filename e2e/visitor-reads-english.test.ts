import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type Journey, mainText, startJourney } from './harness.ts';

// A foreign visitor reads the cluster and its recognition requirements in English; the language switch keeps the page.
describe('journey: a visitor reads the cosmetics cluster in English', () => {
  let j: Journey;
  before(async () => {
    j = await startJourney('visitor-reads-english', { demo: true });
  });
  after(() => j?.close());

  test('cluster page, requirements, language switch both ways', async () => {
    await j.step('cluster page in English', async (page) => {
      const res = await page.goto('/en/clusters/cosmetica');
      assert.equal(res?.status(), 200, 'GET /en/clusters/cosmetica');
      assert.equal(await page.getAttribute('html', 'lang'), 'en');
      const h1 = await page.locator('h1').innerText();
      assert.match(h1, /Cosmetic/i, `h1 is "${h1}"`);
    });

    await j.step('requirements in English, reached by a link', async (page) => {
      await page.locator('main a[href="/en/clusters/cosmetica/requirements"]').first().click();
      await page.waitForURL('**/en/clusters/cosmetica/requirements');
      assert.equal(await page.getAttribute('html', 'lang'), 'en');
      const text = await mainText(page);
      assert.match(text, /requirement/i);
      assert.match(text, /members/i);
      // Only English interface text: the Italian words of the same page must not show.
      assert.doesNotMatch(text, /\b(Requisiti|requisito|soddisfatto|Soci)\b/);
    });

    await j.step('switch to Italian keeps the page', async (page) => {
      await page.getByTestId('lang-switch').click();
      await page.waitForURL('**/it/clusters/cosmetica/requirements');
      assert.equal(await page.getAttribute('html', 'lang'), 'it');
      assert.match(await mainText(page), /requisit/i);
    });

    await j.step('and back to English', async (page) => {
      await page.getByTestId('lang-switch').click();
      await page.waitForURL('**/en/clusters/cosmetica/requirements');
      assert.equal(await page.getAttribute('html', 'lang'), 'en');
    });

    assert.deepEqual(j.unexpectedConsoleErrors(), [], 'no console errors, CSP violations or missing assets');
  });
});
