import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { makeVat } from '../src/server/features/members/members.testdata.ts';
import { type Journey, mainText, startJourney } from './harness.ts';

// A company applies in Italian; staff log in and approve; the new member shows in the directory and the
// recognition requirements count one more member. Fictitious applicant: no real organisation is named.
describe('journey: a company applies to the cosmetics cluster and staff approve it', () => {
  let j: Journey;
  const legalName = 'Laboratorio Esempio Cosmesi Srl';
  const referentEmail = 'referente.esempio@example.org';

  before(async () => {
    j = await startJourney('company-applies', { demo: true });
  });
  after(() => j?.close());

  const activeMembers = async (): Promise<number> => {
    const res = await j.page.request.get('/api/v1/clusters/cosmetica/requirements');
    assert.equal(res.status(), 200);
    const body = (await res.json()) as { requirements: { id: string; value: number }[] };
    return (body.requirements.find((r) => r.id === 'min_members') as { value: number }).value;
  };

  test('apply, approve, appear in the directory, requirements count the new member', async () => {
    assert.ok(j.demoLogins?.length, 'the demo data (with its staff login) is seeded');
    const staff = j.demoLogins.find((l) => l.role === 'staff');
    assert.ok(staff, `a staff demo login among ${j.demoLogins.map((l) => l.role).join(', ')}`);

    const before = await j.step('requirements before', async (page) => {
      const res = await page.goto('/it/clusters/cosmetica/requirements');
      assert.equal(res?.status(), 200);
      const count = await activeMembers();
      assert.match(await page.getByTestId('value-min_members').innerText(), new RegExp(`\\b${count}\\b`));
      return count;
    });

    await j.step('cluster page links to the application form', async (page) => {
      await page.goto('/it/clusters/cosmetica');
      await page.locator('main a[href="/it/clusters/cosmetica/apply"]').first().click();
      await page.waitForURL('**/it/clusters/cosmetica/apply');
      assert.equal(await page.getAttribute('html', 'lang'), 'it');
    });

    await j.step('empty form comes back with its errors', async (page) => {
      const [res] = await Promise.all([
        page.waitForResponse((r) => r.request().method() === 'POST' && r.url().endsWith('/it/clusters/cosmetica/apply')),
        page.locator('main form button[type="submit"]').click(),
      ]);
      assert.equal(res.status(), 400);
      await page.waitForLoadState();
      assert.ok((await page.locator('[data-field="organisation.legalName"], #f-organisation\\.legalName-error, .invalid-feedback').count()) > 0, 'errors beside the fields');
    });

    await j.step('application filled in Italian', async (page) => {
      await page.fill('[name="organisation.legalName"]', legalName);
      await page.selectOption('[name="organisation.category"]', 'company');
      await page.fill('[name="organisation.vatNumber"]', makeVat());
      await page.fill('[name="organisation.staffHeadcount"]', '18');
      await page.fill('[name="organisation.annualTurnoverEur"]', '2500000');
      await page.fill('[name="organisation.atecoCodes"]', '20.42.00');
      await page.fill('[name="organisation.description"]', 'Laboratorio di formulazione cosmetica conto terzi (dati fittizi per il test).');
      await page.fill('[name="operationalSeat.municipality"]', 'Crema');
      await page.fill('[name="operationalSeat.address"]', 'Via Esempio 1');
      await page.fill('[name="referent.name"]', 'Giulia Esempio');
      await page.fill('[name="referent.role"]', 'Amministratrice');
      await page.fill('[name="referent.email"]', referentEmail);
      // Bootstrap Italia draws its own checkbox: a person clicks the label.
      for (const d of ['operationalSeatInLombardy', 'statute', 'truthfulness', 'privacy']) {
        await page.locator(`label[for="f-declarations-${d}"]`).click();
        assert.ok(await page.isChecked(`[name="declarations.${d}"]`), `declaration ${d} checked`);
      }
    });

    await j.step('application sent', async (page) => {
      await Promise.all([page.waitForURL('**/it/clusters/cosmetica/apply/sent'), page.locator('main form button[type="submit"]').click()]);
      assert.match(await mainText(page), /Cosmetico|cosmetic/i);
    });

    await j.step('staff sign in', async (page) => {
      await page.goto('/it/login');
      await page.fill('main input[name="email"]', staff.email);
      await page.fill('main input[name="password"]', staff.password);
      await Promise.all([page.waitForURL((u) => !u.pathname.endsWith('/login')), page.locator('main form button[type="submit"]').click()]);
    });

    await j.step('staff see the application in the queue', async (page) => {
      const res = await page.goto('/it/staff/applications');
      assert.equal(res?.status(), 200);
      await page.locator('main a', { hasText: legalName }).first().click();
      await page.waitForURL('**/it/staff/applications/*');
      assert.match(await mainText(page), new RegExp(legalName));
    });

    await j.step('staff approve', async (page) => {
      await page.locator('label[for="f-decision-approve"]').click();
      assert.ok(await page.isChecked('#f-decision-approve'));
      await page.fill('[name="reason"]', 'Requisiti verificati dal consiglio direttivo.');
      await page.fill('[name="boardMeetingOn"]', new Date().toISOString().slice(0, 10));
      const [res] = await Promise.all([
        page.waitForResponse((r) => r.request().method() === 'POST' && r.url().includes('/decision')),
        page.locator('main form button[type="submit"]').click(),
      ]);
      assert.equal(res.status(), 303, 'the decision redirects after saving');
      await page.waitForLoadState();
      assert.ok((await page.getByTestId('decided').count()) > 0, 'the application shows as decided');
    });

    await j.step('the new member is in the directory', async (page) => {
      const res = await page.goto(`/it/organisations?q=${encodeURIComponent('Esempio Cosmesi')}`);
      assert.equal(res?.status(), 200);
      assert.match(await mainText(page), new RegExp(legalName));
    });

    await j.step('requirements count one more member', async (page) => {
      await page.goto('/it/clusters/cosmetica/requirements');
      const after = await activeMembers();
      assert.equal(after, before + 1);
      assert.match(await page.getByTestId('value-min_members').innerText(), new RegExp(`\\b${after}\\b`));
    });

    await j.runJobs();
    const toReferent = j.mailer.sent.filter((m) => m.to === referentEmail);
    assert.ok(toReferent.length >= 1, `e-mails to the referent: ${j.mailer.sent.map((m) => `${m.to}: ${m.subject}`).join('; ')}`);
    assert.deepEqual(j.unexpectedConsoleErrors(), [], 'no console errors, CSP violations or missing assets');
  });
});
