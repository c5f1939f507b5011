import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { buildCluster, buildMembership, buildOrganisation, buildUser } from '../src/server/testing/factories.ts';
import { type Journey, mainText, startJourney } from './harness.ts';

// The acceptance journey of the technology-transfer marketplace: a small company of the cluster writes a technology
// request in Italian only; the staff publish it; the matchmaking suggests a university of the cluster whose profile
// and validated competences are written in English only, and says why; a researcher of the university reads the
// request in English and expresses interest; the company accepts in Italian; the collaboration opens with both
// contacts; the company records the NDA and the staff see it in their list and report. Everything is done by clicking.
// Fictitious organisations and people only.
describe('journey: an SME’s need written in Italian meets an English-speaking university', () => {
  let j: Journey;
  let universityId: string;
  let instituteId: string;
  let decoyId: string;
  const instituteName = 'Example Institute of Polymer Rheology';
  const smeName = 'Emollienti Naturali Esempio Srl';
  const universityName = 'Example University of Cosmetic Science';
  const decoyName = 'Imballaggi Esempio Spa';
  const sme = { email: 'titolare.pmi@example.org', password: 'una password lunga e sicura' };
  const researcher = { email: 'lab.lead@example.org', password: 'una password lunga e sicura' };
  const staff = { email: 'staff.trasferimento@example.org', password: 'una password lunga e sicura' };
  const title = 'Test di efficacia in vitro per un emolliente naturale';

  before(async () => {
    j = await startJourney('sme-need-meets-university');
    const cluster = await buildCluster(j.db, { name_it: 'Cluster Cosmetica Esempio', name_en: 'Example Cosmetics Cluster' });
    const smeOrg = await buildOrganisation(j.db, { legal_name: smeName, category: 'company' });
    const university = await buildOrganisation(j.db, { legal_name: universityName, category: 'university' });
    const decoy = await buildOrganisation(j.db, { legal_name: decoyName, category: 'company' });
    // a research institute whose own text does not match the need, but which worked on a project with the university
    const institute = await buildOrganisation(j.db, { legal_name: instituteName, category: 'research_institute' });
    universityId = university.id;
    instituteId = institute.id;
    decoyId = decoy.id;
    for (const o of [smeOrg, university, decoy, institute]) await buildMembership(j.db, cluster.id, o.id);
    const [project] = await j.db.query<{ id: string }>(
      `INSERT INTO project (programme, reference, acronym, title) VALUES ('horizon_europe', '999999001', 'SKINMODEL', 'Example project on skin models') RETURNING id`,
    );
    await j.db.query(`INSERT INTO project_participant (project_id, organisation_id, status) VALUES ($1, $2, 'validated'), ($1, $3, 'validated')`, [project.id, university.id, institute.id]);
    await buildUser(j.db, { ...sme, name: 'Giulia Titolare', roles: [{ role: 'org_admin', organisationId: smeOrg.id }] });
    await buildUser(j.db, { ...researcher, name: 'Dr Alex Researcher', locale: 'en', roles: [{ role: 'member', organisationId: university.id }] });
    await buildUser(j.db, { ...staff, name: 'Staff Trasferimento', roles: [{ role: 'staff', clusterId: cluster.id }] });

    // The university writes in English only: its description and its validated competences.
    await j.db.query(`UPDATE organisation SET description_it = NULL, description_en = $2 WHERE id = $1`, [
      university.id,
      'Our skin biology laboratory runs in vitro efficacy testing of cosmetic ingredients on reconstructed human epidermis ' +
        '(moisturisation, barrier repair, anti-inflammatory activity) and accelerated stability testing of emulsions.',
    ]);
    await j.db.query(`UPDATE organisation SET description_it = $2, description_en = NULL WHERE id = $1`, [
      decoy.id,
      'Produciamo flaconi e vasetti in plastica riciclata per la cosmetica.',
    ]);
    const competences: [string, string, string, string][] = [
      [university.id, 'stage.testing.in-vitro', 'research', 'In vitro efficacy tests on reconstructed epidermis models: hydration, barrier function, soothing effect.'],
      [university.id, 'stage.testing.stability', 'service', 'Accelerated and real-time stability testing of creams and emulsions, with packaging compatibility.'],
      [decoy.id, 'stage.packaging', 'produces', 'Flaconi e vasetti in plastica riciclata.'],
    ];
    for (const [org, concept, kind, description] of competences) {
      await j.db.query(
        `INSERT INTO organisation_competence (organisation_id, concept_id, kind, description, status, reviewed_at) VALUES ($1, $2, $3, $4, 'validated', now())`,
        [org, concept, kind, description],
      );
    }
  });
  after(() => j?.close());

  const signIn = (lang: 'it' | 'en', who: { email: string; password: string }) => j.signIn(lang, who);
  /** A header link by its text; one under a closed menu (the user's own pages, the staff area) is reached by opening the menu first. */
  const nav = async (page: Journey['page'], label: string) => {
    const menu = page.locator('header details').filter({ has: page.locator('a', { hasText: label }) }).first();
    if ((await menu.count()) && !(await menu.evaluate((d) => (d as HTMLDetailsElement).open))) await menu.locator('summary').click();
    return page.locator('header nav a', { hasText: label }).first();
  };

  test('post in Italian, validate, match an English university, interest, accept, collaborate', async () => {
    let id = '';

    await j.step('the SME writes its technology request in Italian and saves the draft', async (page) => {
      await signIn('it', sme);
      await Promise.all([page.waitForURL('**/it/marketplace'), (await nav(page, 'Marketplace')).click()]);
      await Promise.all([page.waitForURL('**/it/marketplace/new'), page.locator('main a', { hasText: 'Nuovo profilo' }).click()]);
      await page.selectOption('main select[name="type"]', 'technology_request');
      await page.fill('main input[name="titleIt"]', title);
      await page.fill(
        'main textarea[name="summaryIt"]',
        'Cerchiamo un laboratorio che dimostri con test in vitro l’efficacia idratante e lenitiva di un nuovo emolliente da olio di semi di canapa.',
      );
      await page.fill(
        'main textarea[name="descriptionIt"]',
        'Siamo una piccola azienda cosmetica. Abbiamo formulato un emolliente naturale e ci serve un protocollo di test in vitro ' +
          'su epidermide ricostruita (idratazione, funzione barriera, effetto lenitivo) per sostenere i claim in etichetta.\n' +
          'Ci interessa anche un test di stabilità accelerata dell’emulsione in cui l’emolliente è usato.',
      );
      await page.selectOption('main select[name="developmentStage"]', 'lab_tested');
      await page.locator('main label[for="f-partnershipTypes-research_cooperation"]').click();
      await page.locator('main label[for="f-partnerCategories-university"]').click();
      await page.selectOption('main select[name="conceptIds"]', ['stage.testing.in-vitro', 'stage.testing.stability']);
      await Promise.all([page.waitForURL('**?done=saved'), page.locator('main button[value="draft"]').click()]);
      id = new URL(page.url()).pathname.split('/').pop() as string;
      const text = await mainText(page);
      assert.match(text, new RegExp(title));
      assert.match(text, /Test in vitro/);
    });

    await j.step('… and sends it to the cluster’s staff', async (page) => {
      await Promise.all([page.waitForURL('**?done=submitted'), page.locator('main form[action$="/submit"] button[type="submit"]').click()]);
      assert.match(await mainText(page), /Profilo inviato allo staff del cluster/);
    });

    await j.step('the staff find it in their queue and publish it', async (page) => {
      await signIn('it', staff);
      await Promise.all([page.waitForURL('**/it/marketplace'), (await nav(page, 'Marketplace')).click()]);
      await Promise.all([page.waitForURL('**/it/staff/marketplace'), page.locator('main a', { hasText: 'Profili del marketplace da validare' }).click()]);
      assert.match(await mainText(page), new RegExp(title));
      await Promise.all([page.waitForURL('**?reviewed=1'), page.locator(`main form[action$="/${id}/review"] button[value="publish"]`).click()]);
      assert.match(await mainText(page), /Nessun profilo in attesa/);
    });

    await j.step('the SME opens the suggestions for its request: the English-speaking university, with why', async (page) => {
      await signIn('it', sme);
      await Promise.all([page.waitForURL('**/it/marketplace'), (await nav(page, 'Marketplace')).click()]);
      await Promise.all([page.waitForURL('**/it/marketplace/mine'), page.locator('main a', { hasText: 'I profili della mia organizzazione' }).click()]);
      await Promise.all([page.waitForURL(`**/it/marketplace/${id}`), page.locator('main a', { hasText: title }).click()]);
      await Promise.all([page.waitForURL(`**/it/marketplace/${id}/suggestions`), page.locator(`main a[href="/it/marketplace/${id}/suggestions"]`).click()]);
      const section = page.locator('main section[aria-labelledby="organisations-heading"]');
      const item = section.locator(`li[data-id="${universityId}"]`);
      await item.waitFor();
      const why = (await item.innerText()).replace(/\s+/g, ' ');
      assert.match(why, /Perché:/);
      assert.match(why, /Temi in comune: .*Test in vitro/);
      assert.match(why, /Parole trovate: .*«(idratante|lenitiva|emolliente|vitro)»/);
      assert.match(why, /Complementarità: impresa ↔ organizzazione di ricerca/);
      assert.equal(await section.locator('li').first().getAttribute('data-id'), universityId);
      // the packaging maker of the same cluster shares one common word of the request («cosmetica»): not a suggestion
      assert.equal(await section.locator(`li[data-id="${decoyId}"]`).count(), 0);
      // the university's project partner comes next, and says through whom (the link leads to the university)
      assert.equal(await section.locator('li').nth(1).getAttribute('data-id'), instituteId);
      const partner = (await section.locator(`li[data-id="${instituteId}"]`).innerText()).replace(/\s+/g, ' ');
      assert.match(partner, new RegExp(`Ha lavorato a progetti con: ${universityName} \\(SKINMODEL\\)`));
      assert.equal(await section.locator(`li[data-id="${instituteId}"] a[href="/it/organisations/${universityId}"]`).count(), 1);
    });

    await j.step('a researcher of the university finds the request among the suggestions for them, in English', async (page) => {
      await signIn('en', researcher);
      await Promise.all([page.waitForURL('**/en/suggestions'), (await nav(page, 'Suggested for you')).click()]);
      const item = page.locator(`main li[data-id="${id}"]`);
      await item.waitFor();
      const text = (await item.innerText()).replace(/\s+/g, ' ');
      assert.match(text, new RegExp(title));
      assert.match(text, /Why:/);
    });

    await j.step('… reads it from the marketplace and expresses interest with a message', async (page) => {
      await Promise.all([page.waitForURL('**/en/marketplace'), (await nav(page, 'Marketplace')).click()]);
      await Promise.all([page.waitForURL(`**/en/marketplace/${id}`), page.locator('main a', { hasText: title }).click()]);
      const text = await mainText(page);
      assert.match(text, new RegExp(smeName));
      assert.match(text, /In vitro testing/);
      await Promise.all([page.waitForURL(`**/en/marketplace/${id}/interest`), page.locator('main a', { hasText: 'Express interest' }).click()]);
      await page.fill(
        'main textarea[name="message"]',
        'Our laboratory runs in vitro tests on reconstructed epidermis and stability tests of emulsions.\nWe would be glad to propose a research contract.',
      );
      await Promise.all([page.waitForURL('**/en/interests/**'), page.locator('main form button[type="submit"]').click()]);
      assert.match(await mainText(page), /Expression of interest sent/);
    });

    await j.step('the SME finds the expression of interest in Italian, with the decision form', async (page) => {
      await signIn('it', sme);
      await Promise.all([page.waitForURL('**/it/interests'), (await nav(page, 'Manifestazioni di interesse')).click()]);
      await Promise.all([page.waitForURL('**/it/interests/**'), page.locator('main table a', { hasText: title }).click()]);
      const text = await mainText(page);
      assert.match(text, /research contract/);
      assert.equal(await page.locator('main input[name="decision"]').count(), 2);
    });

    await j.step('… opens the university’s page from it: its description is in English', async (page) => {
      await Promise.all([page.waitForURL(`**/it/organisations/${universityId}`), page.locator('main dd a', { hasText: universityName }).click()]);
      assert.match(await mainText(page), /reconstructed human epidermis/);
    });

    await j.step('… goes back and accepts it: both contacts appear', async (page) => {
      await Promise.all([page.waitForURL('**/it/interests/**'), page.goBack()]);
      await page.locator('main label[for="f-decision-accept"]').click();
      await Promise.all([page.waitForURL('**?decided=1'), page.locator('main form[action$="/decision"] button[type="submit"]').click()]);
      const text = await mainText(page);
      assert.match(text, /Decisione registrata/);
      assert.match(text, /lab\.lead@example\.org/);
    });

    await j.step('the collaboration opens: the SME sees the university’s contact and records the NDA', async (page) => {
      await Promise.all([page.waitForURL('**/it/collaborations/**'), page.locator('main a', { hasText: 'Apri la collaborazione' }).first().click()]);
      const text = await mainText(page);
      assert.match(text, /lab\.lead@example\.org/);
      assert.match(text, /titolare\.pmi@example\.org/);
      await page.selectOption('main select[name="stage"]', 'nda');
      await page.fill('main textarea[name="note"]', 'Inviato l’accordo di riservatezza all’università.');
      await Promise.all([page.waitForURL('**?updated=1'), page.locator('main form[action$="/events"] button[type="submit"]').click()]);
      assert.match(await mainText(page), /Fase Accordo di riservatezza \(NDA\)/);
    });

    await j.step('the researcher sees the SME’s contact and the NDA stage in English', async (page) => {
      await signIn('en', researcher);
      await Promise.all([page.waitForURL('**/en/interests'), (await nav(page, 'Expressions of interest')).click()]);
      await Promise.all([page.waitForURL('**/en/interests?box=sent'), page.locator('main .nav-tabs a', { hasText: 'Sent' }).click()]);
      await Promise.all([page.waitForURL('**/en/collaborations/**'), page.locator('main a', { hasText: 'Open the collaboration' }).first().click()]);
      const text = await mainText(page);
      assert.match(text, new RegExp(smeName));
      assert.match(text, /titolare\.pmi@example\.org/);
      assert.match(text, /Stage Non-disclosure agreement \(NDA\)/);
    });

    await j.step('the staff see the collaboration at the NDA stage in their list', async (page) => {
      await signIn('it', staff);
      await Promise.all([page.waitForURL('**/it/staff/collaborations'), (await nav(page, 'Collaborazioni')).click()]);
      const list = await mainText(page);
      assert.match(list, new RegExp(title));
      assert.match(list, /Accordo di riservatezza \(NDA\)/);
    });

    await j.step('… and in their report', async (page) => {
      await Promise.all([page.waitForURL('**/it/staff/collaborations/report**'), page.locator('main a', { hasText: 'Rapporto sulle collaborazioni' }).click()]);
      const report = await mainText(page);
      assert.match(report, /1 collaborazioni, 1 manifestazioni di interesse, 0 rifiuti/);
      assert.equal(await page.locator('main [data-key="stage.nda"]').innerText(), '1');
    });

    await j.runJobs();
    assert.ok(j.mailer.sent.some((m) => m.to === staff.email), 'the staff were told of the request to validate');
    // each side is told in its own language, with a link to the page where it acts
    const interestMail = j.mailer.sent.find((m) => m.to === sme.email && /Nuova manifestazione di interesse/.test(m.subject));
    assert.ok(interestMail, 'the SME was told of the interest');
    assert.match(interestMail.text, /\/it\/interests\/[0-9a-f-]{36}/);
    const acceptedMail = j.mailer.sent.find((m) => m.to === researcher.email && /accepted/.test(m.subject));
    assert.ok(acceptedMail, 'the researcher was told of the acceptance');
    assert.match(acceptedMail.text, /\/en\/collaborations\/[0-9a-f-]{36}/);
    assert.deepEqual(j.unexpectedConsoleErrors(), []);
  });
});
