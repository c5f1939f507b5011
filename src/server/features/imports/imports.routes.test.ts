import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import ExcelJS from 'exceljs';
import { type TestApp, agentFor, createTestApp } from '../../testing/app.ts';
import { buildCluster, buildOrganisation, buildUser } from '../../testing/factories.ts';
import { templateColumns } from './imports.file.ts';

/** A valid partita IVA from ten digits (the check digit computed). */
function vat(ten: string): string {
  let sum = 0;
  for (let i = 0; i < 10; i++) {
    const d = Number(ten[i]);
    sum += i % 2 === 0 ? d : d * 2 > 9 ? d * 2 - 9 : d * 2;
  }
  return ten + String((10 - (sum % 10)) % 10);
}

function multipart(fields: Record<string, string>, file?: { name: string; type: string; data: Buffer }) {
  const boundary = '----filieratest';
  const parts: Buffer[] = [];
  for (const [k, v] of Object.entries(fields)) parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`));
  if (file) {
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${file.name}"\r\nContent-Type: ${file.type}\r\n\r\n`));
    parts.push(file.data, Buffer.from('\r\n'));
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return { payload: Buffer.concat(parts), contentType: `multipart/form-data; boundary=${boundary}` };
}

const header = 'legal_name,category,vat_number,tax_code,ateco_codes,operational_municipality,operational_address,legal_municipality,join_cluster';
const good = [
  `Alfa Cosmetici Prova,company,${vat('0000000001')},,20.42.00,Milano,Via Uno 1,015146,yes`,
  `Beta Packaging Prova,company,${vat('0000000002')},,,019035,,,no`,
  `Gamma Ricerca Prova,research_institute,${vat('0000000003')},,,Crema,,,yes`,
];

describe('imports HTTP', () => {
  let t: TestApp;
  let cluster: { id: string };
  let other: { id: string };
  let staff: string;
  let otherStaff: string;
  let member: string;

  before(async () => {
    t = await createTestApp();
    cluster = await buildCluster(t.db, { slug: 'imp-a' });
    other = await buildCluster(t.db, { slug: 'imp-b' });
    staff = (await buildUser(t.db, { roles: [{ role: 'staff', clusterId: cluster.id }] })).id;
    otherStaff = (await buildUser(t.db, { roles: [{ role: 'staff', clusterId: other.id }] })).id;
    const org = await buildOrganisation(t.db);
    member = (await buildUser(t.db, { roles: [{ role: 'member', organisationId: org.id }] })).id;
  });
  after(() => t.close());

  const upload = async (user: string, csv: string | Buffer, name = 'orgs.csv', type = 'text/csv', clusterId = cluster.id) => {
    const agent = await agentFor(t.app, user);
    const body = multipart({ _csrf: agent.csrf, clusterId }, { name, type, data: Buffer.isBuffer(csv) ? csv : Buffer.from(csv) });
    return t.app.inject({ method: 'POST', url: '/api/v1/imports', headers: { cookie: agent.cookie, 'content-type': body.contentType }, payload: body.payload });
  };
  const apply = async (user: string, id: string) => {
    const agent = await agentFor(t.app, user);
    return t.app.inject({ method: 'POST', url: `/api/v1/imports/${id}/apply`, headers: agent.headers });
  };
  const count = async (sql: string, params: unknown[] = []) => Number((await t.db.query<{ n: string }>(sql, params))[0].n);

  test('the templates carry every column and one example row', async () => {
    const agent = await agentFor(t.app, staff);
    const csv = await t.app.inject({ url: '/api/v1/imports/template.csv', headers: agent.headers });
    assert.equal(csv.statusCode, 200);
    const lines = csv.body.trim().split('\n');
    assert.deepEqual(lines[0].split(','), templateColumns);
    assert.ok(lines[0].split(',').includes('competences'));
    assert.equal(lines.length, 2);
    assert.match(lines[1], /^EXAMPLE - /);
    const xlsx = await t.app.inject({ url: '/api/v1/imports/template.xlsx', headers: agent.headers });
    assert.equal(xlsx.statusCode, 200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(xlsx.rawPayload as unknown as ArrayBuffer);
    assert.deepEqual((wb.worksheets[0].getRow(1).values as unknown[]).slice(1), templateColumns);
    // The template itself imports cleanly (its example row is skipped).
    const res = await upload(staff, csv.body);
    assert.equal(res.statusCode, 201, res.body);
    assert.deepEqual([res.json().errors, res.json().rowCount], [[], 0]);
  });

  test('the dry run lists every bad row with its column and reason, and writes nothing', async () => {
    const before = await count('SELECT count(*) AS n FROM organisation');
    const csv = [
      `${header},colour`,
      `${good[0]},red`,
      `Cattiva IVA,company,12345678901,,,Milano,,,yes,`,
      `Comune Ignoto,company,${vat('0000000011')},,,Paperopoli,,,no,`,
      `Ateco Ignoto,company,${vat('0000000012')},,99.99.99,Milano,,,no,`,
      `,company,${vat('0000000013')},,,Milano,,,no,`,
    ].join('\n');
    const res = await upload(staff, csv);
    assert.equal(res.statusCode, 201, res.body);
    const b = res.json();
    assert.equal(b.status, 'validated');
    assert.equal(b.rowCount, 5);
    assert.equal(b.validCount, 1);
    const errs = b.errors.map((e: { row: number; column: string; reason: string }) => `${e.row}:${e.column}:${e.reason}`).sort();
    assert.deepEqual(errs, ['1:colour:unknown_column', '3:vat_number:invalid_vat', '4:operational_municipality:unknown_municipality', '5:ateco_codes:unknown_ateco', '6:legal_name:required'].sort());
    assert.equal(await count('SELECT count(*) AS n FROM organisation'), before);
    const missing = await upload(staff, 'category,vat_number\ncompany,\n');
    assert.ok(missing.json().errors.some((e: { column: string; reason: string }) => e.column === 'legal_name' && e.reason === 'missing_column'));
  });

  test('apply creates organisations, seats, ATECO codes and memberships; re-applying the same file duplicates nothing', async () => {
    const csv = [header, ...good].join('\n');
    const res = await upload(staff, csv);
    assert.equal(res.json().validCount, 3, res.body);
    const id = res.json().id;
    assert.equal((await apply(staff, id)).statusCode, 202);
    assert.equal((await apply(staff, id)).statusCode, 409);
    await t.runJobs();
    const agent = await agentFor(t.app, staff);
    const done = (await t.app.inject({ url: `/api/v1/imports/${id}`, headers: agent.headers })).json();
    assert.deepEqual([done.status, done.progress, done.created, done.updated, done.joined, done.competences], ['done', 3, 3, 0, 2, 0]);
    const [alfa] = await t.db.query<{ id: string }>('SELECT id FROM organisation WHERE vat_number = $1', [vat('0000000001')]);
    assert.equal(await count('SELECT count(*) AS n FROM seat WHERE organisation_id = $1', [alfa.id]), 2);
    assert.equal(await count(`SELECT count(*) AS n FROM organisation_ateco WHERE organisation_id = $1 AND ateco_code = '20.42.00' AND is_primary`, [alfa.id]), 1);
    assert.equal(await count(`SELECT count(*) AS n FROM membership WHERE cluster_id = $1 AND status = 'active'`, [cluster.id]), 2);
    assert.equal(await count(`SELECT count(*) AS n FROM membership_event e JOIN membership m ON m.id = e.membership_id WHERE m.cluster_id = $1 AND e.kind = 'admitted'`, [cluster.id]), 2);
    assert.equal(await count(`SELECT count(*) AS n FROM audit_event WHERE action = 'import.applied' AND subject_id = $1`, [id]), 1);

    const again = await upload(staff, csv.replace('Via Uno 1', 'Via Due 2'));
    await apply(staff, again.json().id);
    await t.runJobs();
    const second = (await t.app.inject({ url: `/api/v1/imports/${again.json().id}`, headers: agent.headers })).json();
    assert.deepEqual([second.status, second.created, second.updated, second.joined, second.competences], ['done', 0, 3, 0, 0]);
    assert.equal(await count('SELECT count(*) AS n FROM organisation WHERE vat_number = ANY($1)', [good.map((g) => g.split(',')[2])]), 3);
    assert.equal(await count(`SELECT count(*) AS n FROM seat WHERE organisation_id = $1 AND address = 'Via Due 2'`, [alfa.id]), 1);
    assert.equal(await count('SELECT count(*) AS n FROM seat WHERE organisation_id = $1', [alfa.id]), 2);
  });

  test('competences: the dry run reports unknown concepts and bad kinds; apply adds them as submitted, once', async () => {
    const h = 'legal_name,vat_number,competences';
    const bad = [
      h,
      `Comp Buona Prova,${vat('0000000061')},stage.testing.stability:service|tech.encapsulation:research`,
      `Comp Ignota Prova,${vat('0000000062')},no.such.concept:service`,
      `Comp Tipo Prova,${vat('0000000063')},tech.encapsulation:selling`,
    ].join('\n');
    const dry = await upload(staff, bad);
    assert.equal(dry.statusCode, 201, dry.body);
    assert.equal(dry.json().validCount, 1);
    assert.deepEqual(
      dry.json().errors,
      [
        { row: 3, column: 'competences', reason: 'unknown_concept' },
        { row: 4, column: 'competences', reason: 'invalid_choice' },
      ],
    );
    assert.equal(await count('SELECT count(*) AS n FROM organisation_competence WHERE created_by = $1', [staff]), 0);

    const csv = [
      h,
      `Comp Buona Prova,${vat('0000000061')},stage.testing.stability:service|tech.encapsulation:research|tech.encapsulation:research`,
      `Comp Seconda Prova,${vat('0000000064')},stage.testing:service`,
      `Comp Senza Prova,${vat('0000000065')},`,
    ].join('\n');
    for (let round = 0; round < 2; round++) {
      const res = await upload(staff, csv);
      assert.deepEqual([res.json().validCount, res.json().errors], [3, []], res.body);
      // Nothing is applied before the confirmation: no competence counted yet.
      assert.equal(res.json().competences, 0);
      assert.equal((await apply(staff, res.json().id)).statusCode, 202);
      await t.runJobs();
      const agent = await agentFor(t.app, staff);
      const done = (await t.app.inject({ url: `/api/v1/imports/${res.json().id}`, headers: agent.headers })).json();
      assert.equal(done.status, 'done');
      // Three competences (the repeated one once), with the organisations counts.
      assert.deepEqual([done.created, done.updated, done.competences], round === 0 ? [3, 0, 3] : [0, 3, 3]);
      const [audit] = await t.db.query<{ after: { competences: number } }>(
        `SELECT after FROM audit_event WHERE action = 'import.applied' AND subject_id = $1`,
        [res.json().id],
      );
      assert.equal(audit.after.competences, 3);
      const page = await t.app.inject({ url: `/it/staff/imports/${res.json().id}`, headers: { cookie: agent.cookie } });
      assert.match(page.body, /3 organizzazioni create|0 organizzazioni create/);
      assert.match(page.body, /, 3 competenze importate/);
      const rows = await t.db.query<{ concept_id: string; kind: string; status: string; visibility: string; created_by: string }>(
        `SELECT c.concept_id, c.kind, c.status, c.visibility, c.created_by FROM organisation_competence c
           JOIN organisation o ON o.id = c.organisation_id WHERE o.vat_number = $1 ORDER BY c.concept_id`,
        [vat('0000000061')],
      );
      assert.deepEqual(rows, [
        { concept_id: 'stage.testing.stability', kind: 'service', status: 'submitted', visibility: 'public', created_by: staff },
        { concept_id: 'tech.encapsulation', kind: 'research', status: 'submitted', visibility: 'public', created_by: staff },
      ]);
    }
  });

  test('an XLSX file is read like the CSV', async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('x');
    ws.addRow(header.split(','));
    ws.addRow(`Delta Xlsx Prova,company,${vat('0000000021')},,20.42.00,015146,,,yes`.split(','));
    ws.addRow(`Xlsx Cattiva,company,12345678901,,,Milano,,,no`.split(','));
    const data = Buffer.from(await wb.xlsx.writeBuffer());
    const res = await upload(staff, data, 'orgs.xlsx', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    assert.equal(res.statusCode, 201, res.body);
    assert.equal(res.json().validCount, 1);
    assert.deepEqual(res.json().errors, [{ row: 3, column: 'vat_number', reason: 'invalid_vat' }]);
  });

  test('only staff of the cluster may import or apply', async () => {
    const csv = [header, good[0]].join('\n');
    assert.equal((await upload(member, csv)).statusCode, 403);
    assert.equal((await upload(otherStaff, csv)).statusCode, 403);
    const mine = await upload(staff, csv);
    assert.equal((await apply(otherStaff, mine.json().id)).statusCode, 403);
    const agent = await agentFor(t.app, otherStaff);
    assert.equal((await t.app.inject({ url: `/api/v1/imports/${mine.json().id}`, headers: agent.headers })).statusCode, 403);
  });

  test('other file types and oversized files are refused', async () => {
    const pdf = await upload(staff, '%PDF-1.4', 'orgs.pdf', 'application/pdf');
    assert.equal(pdf.statusCode, 400);
    assert.equal(pdf.json().fields.file, 'unsupported_file_type');
    const big = await upload(staff, Buffer.alloc(10 * 1024 * 1024 + 10, 'a'));
    assert.equal(big.statusCode, 413);
    const none = await t.app.inject({ method: 'POST', url: '/api/v1/imports', headers: (await agentFor(t.app, staff)).headers, payload: {} });
    assert.equal(none.statusCode, 400);
  });

  test('the staff page: upload, dry-run report with every bad row, confirm, progress until done', async () => {
    const agent = await agentFor(t.app, staff);
    const form = await t.app.inject({ url: '/it/staff/imports', headers: { cookie: agent.cookie } });
    assert.equal(form.statusCode, 200);
    assert.match(form.body, /enctype="multipart\/form-data"/);
    assert.match(form.body, /template\.csv/);
    assert.match(form.body, /Staff › Competenze/);

    const empty = multipart({ _csrf: agent.csrf, clusterId: cluster.id });
    const missing = await t.app.inject({ method: 'POST', url: '/it/staff/imports', headers: { cookie: agent.cookie, 'content-type': empty.contentType }, payload: empty.payload });
    assert.equal(missing.statusCode, 400);
    assert.match(missing.body, /data-field="file"/);

    const csv = [header, `Delta Pagina Prova,company,${vat('0000000044')},,,Milano,,,yes`, 'Riga Sbagliata,company,12345678901,,,Atlantide,,,yes'].join('\n');
    const body = multipart({ _csrf: agent.csrf, clusterId: cluster.id }, { name: 'page.csv', type: 'text/csv', data: Buffer.from(csv) });
    const posted = await t.app.inject({ method: 'POST', url: '/en/staff/imports', headers: { cookie: agent.cookie, 'content-type': body.contentType }, payload: body.payload });
    assert.equal(posted.statusCode, 303);
    const location = String(posted.headers.location);
    assert.match(location, /^\/en\/staff\/imports\/[0-9a-f-]{36}$/);
    const report = await t.app.inject({ url: location, headers: { cookie: agent.cookie } });
    assert.match(report.body, /data-row="3"/);
    assert.match(report.body, /invalid VAT number/);
    assert.match(report.body, /unknown municipality/);
    assert.doesNotMatch(report.body, /data-row="2"/);

    const id = location.split('/').pop() as string;
    const confirm = await t.app.inject({
      method: 'POST',
      url: `/en/staff/imports/${id}/apply`,
      headers: { cookie: agent.cookie, 'content-type': 'application/x-www-form-urlencoded' },
      payload: `_csrf=${encodeURIComponent(agent.csrf)}`,
    });
    assert.equal(confirm.statusCode, 303);
    const applying = await t.app.inject({ url: location, headers: { cookie: agent.cookie } });
    assert.match(applying.body, /data-auto-refresh="3"/);
    await t.runJobs();
    const done = await t.app.inject({ url: location, headers: { cookie: agent.cookie } });
    assert.match(done.body, /data-status="done"/);
    assert.doesNotMatch(done.body, /data-auto-refresh/);
    assert.match(done.body, /1 organisations created/);
    assert.match(done.body, /0 competences imported/);

    const otherAgent = await agentFor(t.app, otherStaff);
    assert.equal((await t.app.inject({ url: location, headers: { cookie: otherAgent.cookie } })).statusCode, 403);
  });
});
