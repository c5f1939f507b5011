import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { buildProfile } from '../src/server/features/collaborations/collaborations.testing.ts';
import { buildCluster, buildMembership, buildOrganisation, buildUser } from '../src/server/testing/factories.ts';
import { type Journey, mainText, startJourney } from './harness.ts';

// An English-speaking member expresses interest in an anonymous technology offer; the cluster's staff accept it in
// Italian; both sides see each other's contacts; the partner moves the collaboration on; the staff read their list and
// report. Fictitious organisations and people only.
describe('journey: interest in an anonymous offer, accepted by staff, followed to a stage', () => {
  let j: Journey;
  let profileId: string;
  let clusterSlug: string;
  const ownerName = 'Formulatore Riservato Esempio Srl';
  const partner = { email: 'ricerca.partner@example.org', password: 'una password lunga e sicura' };
  const staff = { email: 'staff.cluster@example.org', password: 'una password lunga e sicura' };

  before(async () => {
    j = await startJourney('member-expresses-interest');
    const cluster = await buildCluster(j.db, { name_it: 'Cluster Esempio', name_en: 'Example Cluster' });
    clusterSlug = cluster.slug;
    const owner = await buildOrganisation(j.db, { legal_name: ownerName });
    const partnerOrg = await buildOrganisation(j.db, { legal_name: 'Partner Research Example Ltd', category: 'university' });
    await buildMembership(j.db, cluster.id, owner.id);
    await buildMembership(j.db, cluster.id, partnerOrg.id);
    await buildUser(j.db, { email: 'referente.owner@example.org', name: 'Referente Owner', roles: [{ role: 'org_admin', organisationId: owner.id }] });
    await buildUser(j.db, { ...partner, name: 'Research Partner', locale: 'en', roles: [{ role: 'member', organisationId: partnerOrg.id }] });
    await buildUser(j.db, { ...staff, name: 'Staff Cluster', roles: [{ role: 'staff', clusterId: cluster.id }] });
    profileId = (
      await buildProfile(j.db, { clusterId: cluster.id, organisationId: owner.id, anonymous: true, title_it: 'Emulsionante vegetale a freddo', title_en: 'Cold-process plant emulsifier' })
    ).id;
  });
  after(() => j?.close());

  const signIn = (lang: 'it' | 'en', who: { email: string; password: string }) => j.signIn(lang, who);

  test('express, accept, see contacts, move the stage, read the report', async () => {
    await j.step('the partner writes an expression of interest in English; the owner stays hidden', async (page) => {
      await signIn('en', partner);
      await page.goto(`/en/marketplace/${profileId}/interest`);
      const form = await mainText(page);
      assert.match(form, /Cold-process plant emulsifier/);
      assert.match(form, /Anonymous profile/);
      assert.doesNotMatch(form, new RegExp(ownerName));
      await page.fill('main textarea[name="message"]', 'We test plant emulsifiers for sensitive skin and would like to discuss a licence.');
      await Promise.all([page.waitForURL('**/en/interests/**'), page.locator('main form button[type="submit"]').click()]);
      assert.match(await mainText(page), /Expression of interest sent/);
    });

    await j.step('the staff receive it and accept it in Italian', async (page) => {
      await signIn('it', staff);
      await page.goto('/it/interests?box=received');
      await Promise.all([page.waitForURL('**/it/interests/**'), page.locator('main a', { hasText: 'Emulsionante vegetale a freddo' }).click()]);
      await page.locator('main label[for="f-decision-accept"]').click();
      await Promise.all([page.waitForURL('**?decided=1'), page.locator('main form[action$="/decision"] button[type="submit"]').click()]);
      assert.match(await mainText(page), /Decisione registrata/);
    });

    await j.step('the partner now sees the owner and its contacts, and moves the collaboration to the NDA', async (page) => {
      await signIn('en', partner);
      await page.goto('/en/interests?box=sent');
      await Promise.all([page.waitForURL('**/en/collaborations/**'), page.locator('main a', { hasText: 'Open the collaboration' }).first().click()]);
      const text = await mainText(page);
      assert.match(text, new RegExp(ownerName));
      assert.match(text, /referente\.owner@example\.org/);
      await page.selectOption('main select[name="stage"]', 'nda');
      await page.fill('main textarea[name="note"]', 'NDA sent for signature.');
      await Promise.all([page.waitForURL('**?updated=1'), page.locator('main form[action$="/events"] button[type="submit"]').click()]);
      assert.match(await mainText(page), /Non-disclosure agreement \(NDA\)/);
    });

    await j.step('the staff list the cluster’s collaborations and read the report', async (page) => {
      await signIn('it', staff);
      await page.goto('/it/staff/collaborations');
      assert.match(await mainText(page), /Accordo di riservatezza \(NDA\)/);
      await page.goto(`/it/staff/collaborations/report?cluster=${clusterSlug}`);
      const report = await mainText(page);
      assert.match(report, /1 collaborazioni, 1 manifestazioni di interesse, 0 rifiuti/);
    });

    assert.ok(j.mailer.sent.some((m) => m.to === staff.email));
    assert.deepEqual(j.unexpectedConsoleErrors(), []);
  });
});
