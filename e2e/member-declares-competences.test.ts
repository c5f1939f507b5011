import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { buildMembership, buildOrganisation, buildUser } from '../src/server/testing/factories.ts';
import { type Journey, mainText, startJourney } from './harness.ts';

// A member declares a competence in Italian, staff validate it, an English-speaking visitor finds the member on
// the map filtered by that stage and through the search, and reads the validated competence. Fictitious member: no real organisation.
describe('journey: a member declares a competence, staff validate it, a visitor finds it in English', () => {
  let j: Journey;
  let orgId: string;
  const orgName = 'Laboratorio Prove Esempio Srl';
  const member = { email: 'tecnica.esempio@example.org', password: 'una password lunga e sicura' };

  before(async () => {
    j = await startJourney('member-declares-competences', { demo: true });
    const [cluster] = await j.db.query<{ id: string }>(`SELECT id FROM cluster WHERE slug = 'cosmetica'`);
    const org = await buildOrganisation(j.db, { legal_name: orgName, category: 'company', seatMunicipality: '016024' });
    orgId = org.id;
    await buildMembership(j.db, cluster.id, org.id);
    await buildUser(j.db, { ...member, name: 'Tecnica Esempio', roles: [{ role: 'member', organisationId: org.id }] });
  });
  after(() => j?.close());

  const signIn = (email: string, password: string) => j.signIn('it', { email, password });

  const bergamoOnMap = async (lang: 'it' | 'en') => {
    await j.page.goto(`/${lang}/map?cluster=cosmetica&concept=stage.testing`);
    const row = j.page.locator('main table tr', { hasText: '(BG)' });
    return Number((await row.locator('td').first().innerText()).trim());
  };

  test('declare in Italian, validate, find on the map and read in English', async () => {
    const staff = j.demoLogins?.find((l) => l.role === 'staff');
    assert.ok(staff, 'the demo data has a staff login');

    await j.step('before validation the map shows nobody for the stage', async () => {
      assert.equal(await bergamoOnMap('en'), 0);
    });

    await j.step('the member signs in and declares a competence in Italian', async (page) => {
      await signIn(member.email, member.password);
      await page.goto(`/it/organisations/${orgId}/competences`);
      await page.selectOption('main select[name="conceptId"]', 'stage.testing.stability');
      await page.selectOption('main select[name="kind"]', 'service');
      await page.fill('main textarea[name="description"]', 'Test di stabilità accelerata e compatibilità con il packaging (dati fittizi).');
      await page.fill('main textarea[name="evidence"]', 'Procedura interna di prova (esempio).');
      const [res] = await Promise.all([
        page.waitForResponse((r) => r.request().method() === 'POST' && r.url().endsWith(`/organisations/${orgId}/competences`)),
        page.locator('main form[action$="/competences"] button[type="submit"]').click(),
      ]);
      assert.ok(res.status() < 400, `declared (${res.status()})`);
      await page.waitForLoadState();
      assert.match(await mainText(page), /Test di stabilità e compatibilità/);
    });

    await j.step('staff validate it from their queue', async (page) => {
      await j.context.clearCookies();
      await signIn(staff.email, staff.password);
      await page.goto('/it/staff/competences');
      const entry = page.locator('main form[action*="/review"]').first();
      await Promise.all([page.waitForLoadState(), entry.locator('button[value="validated"]').click()]);
      await page.waitForLoadState();
      const [row] = await j.db.query<{ status: string }>(`SELECT status FROM organisation_competence WHERE organisation_id = $1`, [orgId]);
      assert.equal(row.status, 'validated');
    });

    await j.step('an English-speaking visitor finds the member on the map filtered by the stage', async (page) => {
      await j.context.clearCookies();
      assert.equal(await bergamoOnMap('en'), 1);
      assert.match(await mainText(page), /Safety assessment and efficacy testing/);
    });

    await j.step('and through the competence search, written in English, with the reason', async (page) => {
      await page.goto('/en/search');
      await page.fill('main input[name="q"]', 'stability testing');
      await Promise.all([page.waitForURL('**/en/search?**'), page.locator('main form button[type="submit"]').first().click()]);
      const text = await mainText(page);
      assert.match(text, new RegExp(orgName));
      assert.match(text, /Stability and compatibility testing/);
    });

    await j.step('and reads its validated competence in English', async (page) => {
      await page.goto('/en/organisations?province=BG&cluster=cosmetica');
      await page.locator('main a', { hasText: orgName }).first().click();
      await page.waitForURL(`**/en/organisations/${orgId}`);
      await page.locator(`main a[href="/en/organisations/${orgId}/competences"]`).click();
      await page.waitForURL(`**/en/organisations/${orgId}/competences`);
      assert.match(await mainText(page), /Stability and compatibility testing/);
      assert.equal(await page.getAttribute('html', 'lang'), 'en');
    });

    assert.deepEqual(j.unexpectedConsoleErrors(), []);
  });
});
