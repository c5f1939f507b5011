import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { buildCluster, buildMembership, buildOrganisation, buildUser } from '../src/server/testing/factories.ts';
import { type Journey, mainText, startJourney } from './harness.ts';

// A member declares a funded project in Italian (fixing an error first) and sees it wait for validation, the cluster's
// staff declare the same project for another member in English and are told it was linked, then validate the member's
// declaration from their queue, and a visitor reads both organisations' Projects sections.
// Fictitious organisations and a fictitious reference: no real organisation or project.
describe('journey: a member declares a project, staff link another member to it and validate the declaration, a visitor follows the partners', () => {
  let j: Journey;
  let orgA: string;
  let orgB: string;
  const member = { email: 'progetti.esempio@example.org', password: 'una password lunga e sicura' };
  const staff = { email: 'staff.progetti@example.org', password: 'another long and safe password' };

  before(async () => {
    j = await startJourney('member-declares-project');
    const cluster = await buildCluster(j.db);
    orgA = (await buildOrganisation(j.db, { legal_name: 'Imballaggi Esempio Srl' })).id;
    orgB = (await buildOrganisation(j.db, { legal_name: 'Laboratorio Esempio Srl' })).id;
    await buildMembership(j.db, cluster.id, orgA);
    await buildMembership(j.db, cluster.id, orgB);
    await buildUser(j.db, { ...member, name: 'Progetti Esempio', roles: [{ role: 'member', organisationId: orgA }] });
    await buildUser(j.db, { ...staff, name: 'Staff Esempio', locale: 'en', roles: [{ role: 'staff', clusterId: cluster.id }] });
  });
  after(() => j?.close());

  const signIn = (lang: 'it' | 'en', who: { email: string; password: string }) => j.signIn(lang, who);
  const fill = async (fields: Record<string, string>) => {
    for (const [name, value] of Object.entries(fields)) {
      const el = j.page.locator(`main [name="${name}"]`);
      if ((await el.evaluate((e) => e.tagName)) === 'SELECT') await el.selectOption(value);
      else await el.fill(value);
    }
  };
  const submit = async () => {
    await Promise.all([j.page.waitForLoadState(), j.page.locator('main form[action$="/projects"] button[type="submit"]').click()]);
    await j.page.waitForLoadState();
  };

  test('declare, link, read', async () => {
    await j.step('the member finds the empty state on the organisation page and opens the projects page', async (page) => {
      await signIn('it', member);
      await page.goto(`/it/organisations/${orgA}`);
      assert.match(await mainText(page), /Nessun progetto dichiarato/);
      await Promise.all([page.waitForURL(/\/projects$/), page.locator('main a', { hasText: 'Gestisci i progetti' }).click()]);
      assert.match(await mainText(page), /Aggiungi il primo progetto/);
    });

    await j.step('a wrong end date is shown beside the field, the values typed are kept', async (page) => {
      await fill({ programme: 'horizon_europe', reference: '999999001', acronym: 'ESEMPIO', title: 'Imballaggi riciclabili (progetto di esempio)', language: 'it', startDate: '2024-03-01', endDate: '2023-03-01', role: 'coordinator' });
      await submit();
      assert.match(await page.locator('main [data-field="endDate"]').innerText(), /precede quella di inizio/);
      assert.equal(await page.locator('main input[name="acronym"]').inputValue(), 'ESEMPIO');
    });

    await j.step('corrected, the project is declared', async (page) => {
      await fill({ endDate: '2027-02-28' });
      await submit();
      assert.match(page.url(), /done=declared/);
      assert.match(await mainText(page), /Progetto dichiarato/);
      assert.match(await mainText(page), /ESEMPIO/);
      assert.match(await mainText(page), /In attesa di validazione/);
      await page.goto(`/it/organisations/${orgA}`);
      await j.context.clearCookies();
      await page.reload();
      assert.match(await mainText(page), /Nessun progetto dichiarato/, 'a visitor does not see a claim the staff have not checked');
    });

    await j.step('the staff declare the same project for another member, in English, and are told it was linked', async (page) => {
      await signIn('en', staff);
      await page.goto(`/en/organisations/${orgB}/projects`);
      await fill({ programme: 'horizon_europe', reference: '999999001', acronym: 'SAMPLE', title: 'A different title', language: 'en', role: 'partner' });
      await submit();
      assert.match(page.url(), /done=linked/);
      const text = await mainText(page);
      assert.match(text, /its details were kept/);
      assert.match(text, /ESEMPIO/);
      assert.match(text, /Imballaggi Esempio Srl/);
    });

    await j.step('the staff find the declaration in their queue, from the staff area', async (page) => {
      await page.locator('header summary', { hasText: 'Staff area' }).click();
      const entry = page.locator('header a', { hasText: 'Projects to validate' });
      assert.match(await entry.innerText(), /1/, 'one declaration waits');
      await Promise.all([page.waitForURL(/\/en\/staff\/projects$/), entry.click()]);
      assert.match(await page.locator('main tr', { hasText: 'Imballaggi Esempio Srl' }).innerText(), /ESEMPIO/);
    });

    await j.step('the staff validate it', async (page) => {
      const row = page.locator('main tr', { hasText: 'Imballaggi Esempio Srl' });
      await Promise.all([page.waitForURL(/reviewed=validated/), row.locator('button', { hasText: 'Validate' }).click()]);
      assert.match(await mainText(page), /Participation validated/);
      assert.match(await mainText(page), /No participation to validate/);
    });

    await j.step('a visitor reads the Projects section in English and follows the partner to its page', async (page) => {
      await j.context.clearCookies();
      await page.goto(`/en/organisations/${orgA}`);
      const text = await mainText(page);
      assert.match(text, /Projects/);
      assert.match(text, /Horizon Europe/);
      assert.match(text, /Coordinator/);
      await Promise.all([page.waitForURL(new RegExp(`/en/organisations/${orgB}$`)), page.locator('main a', { hasText: 'Laboratorio Esempio Srl' }).click()]);
      assert.match(await mainText(page), /ESEMPIO/);
      assert.match(await mainText(page), /Partner/);
    });

    assert.deepEqual(j.unexpectedConsoleErrors(), []);
  });
});
