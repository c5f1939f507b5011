import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type Journey, mainText, startJourney } from './harness.ts';

// Forms refuse a post without its CSRF token; repeated wrong passwords are limited, and the page says so.
describe('journey: CSRF and login limits in the browser', () => {
  let j: Journey;
  before(async () => {
    j = await startJourney('security');
  });
  after(() => j?.close());

  test('a login form posted without its CSRF token is refused with a 403 page', async () => {
    await j.step('login form', async (page) => {
      const res = await page.goto('/it/login');
      assert.equal(res?.status(), 200);
      assert.equal(await page.locator('form input[name="_csrf"]').count() > 0, true, 'the login form carries a CSRF token');
    });
    const status = await j.step('post without the token', async (page) => {
      await page.locator('main form input[name="_csrf"]').evaluateAll((inputs) => inputs.forEach((i) => i.remove()));
      await page.fill('main input[name="email"]', 'nobody@example.org');
      await page.fill('main input[name="password"]', 'whatever-it-is');
      const [response] = await Promise.all([
        page.waitForResponse((r) => r.request().method() === 'POST' && r.url().includes('/it/login')),
        page.locator('main form button[type="submit"]').first().click(),
      ]);
      await page.waitForLoadState();
      return response.status();
    });
    assert.equal(status, 403);
    assert.match(await mainText(j.page), /modulo è scaduto|non proviene da questo sito/i);
    assert.equal(await j.page.getAttribute('html', 'lang'), 'it');
  });

  test('repeated wrong passwords end in a 429 page that says to try later', async () => {
    const statuses: number[] = [];
    for (let attempt = 1; attempt <= 12 && !statuses.includes(429); attempt++) {
      const status = await j.step(
        `wrong password ${attempt}`,
        async (page) => {
          await page.goto('/en/login');
          await page.fill('main input[name="email"]', 'someone@example.org');
          await page.fill('main input[name="password"]', `wrong-password-${attempt}`);
          const [response] = await Promise.all([
            page.waitForResponse((r) => r.request().method() === 'POST' && r.url().includes('/en/login')),
            page.locator('main form button[type="submit"]').first().click(),
          ]);
          await page.waitForLoadState();
          return response.status();
        },
        // The first attempts are the ordinary wrong-password page, checked once with axe below.
        { axe: attempt === 1 },
      );
      statuses.push(status);
    }
    assert.equal(statuses[0], 400, 'a wrong password re-renders the form with its error');
    assert.ok(statuses.includes(429), `no 429 after ${statuses.length} wrong logins: ${statuses.join(', ')}`);
    await j.step('limited', async (page) => {
      assert.match(await mainText(page), /too many sign-in attempts: for safety, signing in is paused for \d+ minutes/i);
      assert.equal(await page.getAttribute('html', 'lang'), 'en');
    });
    assert.deepEqual(j.unexpectedConsoleErrors(), [], 'no console errors, CSP violations or missing assets');
  });
});
