import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { buildCluster, buildMembership, buildOrganisation, buildUser } from '../src/server/testing/factories.ts';
import { type Journey, mainText, startJourney } from './harness.ts';

// A member company writes a technology offer in Italian and sends it to its cluster; the staff return it with reasons;
// the member corrects it and sends it again; the staff publish it; an English visitor finds it in the marketplace by
// type and topic; the owner renews it. Fictitious organisations and people only.
describe('journey: a member publishes a technology offer through validation', () => {
  let j: Journey;
  const ownerName = 'Microcapsule Esempio Srl';
  const member = { email: 'referente.offerta@example.org', password: 'una password lunga e sicura' };
  const staff = { email: 'staff.marketplace@example.org', password: 'una password lunga e sicura' };

  before(async () => {
    j = await startJourney('member-publishes-offer');
    const cluster = await buildCluster(j.db, { name_it: 'Cluster Esempio', name_en: 'Example Cluster' });
    const owner = await buildOrganisation(j.db, { legal_name: ownerName });
    await buildMembership(j.db, cluster.id, owner.id);
    await buildUser(j.db, { ...member, name: 'Referente Offerta', roles: [{ role: 'org_admin', organisationId: owner.id }] });
    await buildUser(j.db, { ...staff, name: 'Staff Marketplace', roles: [{ role: 'staff', clusterId: cluster.id }] });
  });
  after(() => j?.close());

  const signIn = (lang: 'it' | 'en', who: { email: string; password: string }) => j.signIn(lang, who);

  test('draft, return with reasons, correct, publish, find, renew', async () => {
    let profileUrl = '';
    await j.step('the member writes the offer; sending it without a summary shows the field to fill beside it', async (page) => {
      await signIn('it', member);
      await page.goto('/it/marketplace');
      await Promise.all([page.waitForURL('**/it/marketplace/new'), page.locator('main a', { hasText: 'Nuovo profilo' }).click()]);
      await page.selectOption('main select[name="type"]', 'technology_offer');
      await page.fill('main input[name="titleIt"]', 'Microincapsulazione di attivi sensibili');
      await page.selectOption('main select[name="trl"]', '6');
      await page.locator('main label[for="f-iprStatus-patent_applied"]').click();
      await page.locator('main label[for="f-partnershipTypes-licence"]').click();
      await page.selectOption('main select[name="conceptIds"]', ['tech.encapsulation.vesicles']);
      await page.locator('main button[value="submit"]').click();
      await page.waitForLoadState();
      const text = await mainText(page);
      assert.match(text, /Serve per inviare il profilo/);
    });

    await j.step('the member adds the summary and sends the offer to the staff', async (page) => {
      await page.fill('main textarea[name="summaryIt"]', 'Microcapsule lipidiche che proteggono vitamine e profumi dall’ossidazione.');
      await Promise.all([page.waitForURL('**?done=submitted'), page.locator('main button[value="submit"]').click()]);
      profileUrl = new URL(page.url()).pathname;
      assert.match(await mainText(page), /Profilo inviato allo staff del cluster/);
    });
    const id = profileUrl.split('/').pop() as string;

    await j.step('the staff return it with reasons', async (page) => {
      await signIn('it', staff);
      await page.goto('/it/staff/marketplace');
      assert.match(await mainText(page), /Microincapsulazione di attivi sensibili/);
      await page.fill(`main textarea#reason-${id}`, 'Aggiungere il titolo e la sintesi in inglese.');
      await Promise.all([page.waitForURL('**?reviewed=1'), page.locator(`main form[action$="/${id}/review"] button[value="return"]`).click()]);
      assert.match(await mainText(page), /Nessun profilo in attesa/);
    });

    await j.step('the member reads the reasons, adds English and sends it again', async (page) => {
      await signIn('it', member);
      await page.goto(`/it/marketplace/${id}`);
      assert.match(await mainText(page), /Aggiungere il titolo e la sintesi in inglese/);
      await Promise.all([page.waitForURL(`**/it/marketplace/${id}/edit`), page.locator('main a', { hasText: 'Modifica' }).click()]);
      await page.fill('main input[name="titleEn"]', 'Microencapsulation of sensitive actives');
      await page.fill('main textarea[name="summaryEn"]', 'Lipid microcapsules that protect vitamins and fragrances from oxidation.');
      await Promise.all([page.waitForURL('**?done=submitted'), page.locator('main button[value="submit"]').click()]);
    });

    await j.step('the staff publish it', async (page) => {
      await signIn('it', staff);
      await page.goto('/it/staff/marketplace');
      await Promise.all([page.waitForURL('**?reviewed=1'), page.locator(`main form[action$="/${id}/review"] button[value="publish"]`).click()]);
    });

    await j.step('an English visitor finds it by type and topic', async (page) => {
      await j.context.clearCookies();
      await page.goto('/en/marketplace');
      await page.selectOption('main select[name="type"]', 'technology_offer');
      await page.selectOption('main select[name="concept"]', 'tech.encapsulation');
      await Promise.all([page.waitForURL('**/en/marketplace?**'), page.locator('main form button[type="submit"]').click()]);
      assert.match(await mainText(page), /Profiles found: 1/);
    });

    await j.step('… and reads it', async (page) => {
      await Promise.all([page.waitForURL(`**/en/marketplace/${id}`), page.locator('main a', { hasText: 'Microencapsulation of sensitive actives' }).click()]);
      const text = await mainText(page);
      assert.match(text, /TRL 6/);
      assert.match(text, /Patent applied for/);
      assert.match(text, new RegExp(ownerName));
    });

    await j.step('the owner renews it for 12 months', async (page) => {
      await signIn('en', member);
      await page.goto(`/en/marketplace/${id}`);
      await Promise.all([page.waitForURL('**?done=renewed'), page.locator('main form#renew button[type="submit"]').click()]);
      assert.match(await mainText(page), /Profile renewed for 12 months/);
    });

    await j.runJobs();
    assert.ok(j.mailer.sent.some((m) => m.to === staff.email && /Nuovo profilo da validare/.test(m.subject)));
    assert.ok(j.mailer.sent.some((m) => m.to === member.email && /Aggiungere il titolo/.test(m.text)));
    assert.deepEqual(j.unexpectedConsoleErrors(), []);
  });
});
