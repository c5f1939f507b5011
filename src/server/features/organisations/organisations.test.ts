import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Db } from '../../db/db.ts';
import type { Actor } from '../../lib/auth.ts';
import { AppError } from '../../lib/errors.ts';
import { createTestDb } from '../../testing/db.ts';
import { buildCluster, buildMembership, buildOrganisation } from '../../testing/factories.ts';
import { canEditOrganisation, createOrganisation, findOrganisationByTaxIdentity, getOrganisationSummary, resolveMunicipality } from './organisations.ts';

const fields = async (p: Promise<unknown>) => {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof AppError, String(err));
    return { status: err.status, code: err.code, fields: err.fields ?? {} };
  }
  assert.fail('expected an error');
};

describe('createOrganisation', () => {
  let db: Db;
  before(async () => {
    db = await createTestDb();
  });
  after(() => db.close());

  test('stores the organisation, its seats (name resolved to ISTAT code) and ATECO codes, with an audit row', async () => {
    const { id } = await createOrganisation(db, null, {
      legalName: 'Cosmetica Prova S.r.l.',
      category: 'company',
      vatNumber: '00743110157',
      atecoCodes: ['20.42.00', '72.10'],
      seats: [
        { kind: 'legal', municipalityCode: 'Crema', address: 'Via Roma 1' },
        { kind: 'operational', municipalityCode: '015146' },
        { kind: 'operational', country: 'FR', foreignCity: 'Lyon' },
      ],
    });
    const [org] = await db.query<{ vat_country: string; vat_number: string }>('SELECT vat_country, vat_number FROM organisation WHERE id = $1', [id]);
    assert.deepEqual(org, { vat_country: 'IT', vat_number: '00743110157' });
    const seats = await db.query<{ kind: string; municipality_code: string | null; foreign_city: string | null }>(
      'SELECT kind, municipality_code, foreign_city FROM seat WHERE organisation_id = $1 ORDER BY kind, municipality_code NULLS LAST',
      [id],
    );
    assert.deepEqual(seats, [
      { kind: 'legal', municipality_code: '019035', foreign_city: null },
      { kind: 'operational', municipality_code: '015146', foreign_city: null },
      { kind: 'operational', municipality_code: null, foreign_city: 'Lyon' },
    ]);
    const ateco = await db.query<{ ateco_code: string; is_primary: boolean }>(
      'SELECT ateco_code, is_primary FROM organisation_ateco WHERE organisation_id = $1 ORDER BY ateco_code',
      [id],
    );
    assert.deepEqual(ateco, [
      { ateco_code: '20.42.00', is_primary: true },
      { ateco_code: '72.10', is_primary: false },
    ]);
    const audit = await db.query<{ action: string; after: { legalName: string } }>(
      `SELECT action, after FROM audit_event WHERE subject_type = 'organisation' AND subject_id = $1`,
      [id],
    );
    assert.equal(audit.length, 1);
    assert.equal(audit[0].action, 'organisation.created');
    assert.equal(audit[0].after.legalName, 'Cosmetica Prova S.r.l.');
  });

  test('names every invalid field at once', async () => {
    const err = await fields(
      createOrganisation(db, null, {
        legalName: '',
        vatNumber: '00743110158',
        taxCode: 'RSSMRA85T10A562T',
        atecoCodes: ['20.42.00', '99.99.99'],
        seats: [
          { kind: 'legal', municipalityCode: '999999' },
          { kind: 'operational', municipalityCode: 'Nowhere-on-earth' },
          { kind: 'operational' },
        ],
      }),
    );
    assert.equal(err.status, 400);
    assert.deepEqual(err.fields, {
      legalName: 'required',
      vatNumber: 'invalid_vat',
      taxCode: 'invalid_tax_code',
      'atecoCodes.1': 'unknown_ateco',
      'seats.0.municipalityCode': 'unknown_municipality',
      'seats.1.municipalityCode': 'unknown_municipality',
      'seats.2.municipalityCode': 'required',
    });
    const [{ n }] = await db.query<{ n: number }>(`SELECT count(*) AS n FROM organisation WHERE vat_number = '00743110158'`);
    assert.equal(n, 0);
  });

  test('an ambiguous municipality name asks for the ISTAT code', async () => {
    const err = await fields(createOrganisation(db, null, { legalName: 'Ambigua', seats: [{ kind: 'legal', municipalityCode: 'Peglio' }] }));
    assert.deepEqual(err.fields, { 'seats.0.municipalityCode': 'ambiguous_municipality' });
  });

  test('a duplicate VAT number or tax code is a 409 naming the field', async () => {
    await createOrganisation(db, null, { legalName: 'Primo', taxCode: 'RSSMRA85T10A562S' });
    const vat = await fields(createOrganisation(db, null, { legalName: 'Doppione', vatNumber: 'IT00743110157' }));
    assert.deepEqual(vat, { status: 409, code: 'organisation_exists', fields: { vatNumber: 'taken' } });
    const cf = await fields(createOrganisation(db, null, { legalName: 'Doppione', taxCode: 'rssmra85t10a562s' }));
    assert.deepEqual(cf, { status: 409, code: 'organisation_exists', fields: { taxCode: 'taken' } });
  });

  test('a foreign VAT number is stored with its country and not checked against the Italian rule', async () => {
    const { id } = await createOrganisation(db, null, { legalName: 'Société Test', vatCountry: 'FR', vatNumber: '12345678901' });
    const found = await findOrganisationByTaxIdentity(db, { vatCountry: 'fr', vatNumber: '12345678901' });
    assert.equal(found?.id, id);
    assert.equal(await findOrganisationByTaxIdentity(db, { vatNumber: '12345678901' }), null);
  });

  test('findOrganisationByTaxIdentity matches VAT (default IT) or tax code, else null', async () => {
    const vat = await findOrganisationByTaxIdentity(db, { vatNumber: '00743110157' });
    assert.equal(vat?.legal_name, 'Cosmetica Prova S.r.l.');
    const cf = await findOrganisationByTaxIdentity(db, { taxCode: 'RSSMRA85T10A562S' });
    assert.equal(cf?.legal_name, 'Primo');
    assert.equal(await findOrganisationByTaxIdentity(db, {}), null);
    assert.equal(await findOrganisationByTaxIdentity(db, { vatNumber: '01234567897' }), null);
  });

  test('findOrganisationByTaxIdentity cross-matches an Italian VAT number with an 11-digit codice fiscale, both ways', async () => {
    // 01234567897 and 00488410010 are valid Italian VAT numbers (check digit); stated once as a codice fiscale, once as a VAT number.
    const asTaxCode = await createOrganisation(db, null, { legalName: 'Ente con CF numerico', taxCode: '01234567897' });
    const asVat = await createOrganisation(db, null, { legalName: 'Impresa con P.IVA', vatNumber: '00488410010' });
    assert.equal((await findOrganisationByTaxIdentity(db, { vatNumber: 'IT 01234567897' }))?.id, asTaxCode.id);
    assert.equal((await findOrganisationByTaxIdentity(db, { taxCode: '00488410010' }))?.id, asVat.id);
    // Only an Italian VAT number means a codice fiscale; a personal codice fiscale never matches a VAT number.
    assert.equal(await findOrganisationByTaxIdentity(db, { vatCountry: 'FR', vatNumber: '01234567897' }), null);
    // An exact match wins over a cross-match.
    const exact = await createOrganisation(db, null, { legalName: 'Stessa P.IVA', vatNumber: '01234567897' });
    assert.equal((await findOrganisationByTaxIdentity(db, { vatNumber: '01234567897' }))?.id, exact.id);
    assert.equal((await findOrganisationByTaxIdentity(db, { taxCode: '01234567897' }))?.id, asTaxCode.id);
  });

  test('size class follows Recommendation 2003/361/EC, unknown without figures, null for non-companies', async () => {
    const cases: [Record<string, unknown>, string | null][] = [
      [{ category: 'company', staffHeadcount: 9, annualTurnoverEur: 2_000_000 }, 'micro'],
      [{ category: 'company', staffHeadcount: 9, annualTurnoverEur: 5_000_000, balanceSheetEur: 2_000_000 }, 'micro'],
      [{ category: 'company', staffHeadcount: 10, annualTurnoverEur: 1_000_000 }, 'small'],
      [{ category: 'company', staffHeadcount: 49, annualTurnoverEur: 10_000_000 }, 'small'],
      [{ category: 'company', staffHeadcount: 49, annualTurnoverEur: 10_000_001 }, 'medium'],
      [{ category: 'consortium', staffHeadcount: 249, balanceSheetEur: 43_000_000 }, 'medium'],
      [{ category: 'company', staffHeadcount: 249, annualTurnoverEur: 60_000_000, balanceSheetEur: 43_000_001 }, 'large'],
      [{ category: 'company', staffHeadcount: 250, annualTurnoverEur: 1 }, 'large'],
      [{ category: 'company', staffHeadcount: 5 }, 'unknown'],
      [{ category: 'company', annualTurnoverEur: 100 }, 'unknown'],
      [{ category: 'university', staffHeadcount: 5000, annualTurnoverEur: 1e9 }, null],
    ];
    for (const [input, expected] of cases) {
      const { id } = await createOrganisation(db, null, { legalName: `Size ${expected}`, ...input });
      const summary = await getOrganisationSummary(db, id);
      assert.equal(summary.size_class, expected, JSON.stringify(input));
    }
  });

  test('getOrganisationSummary is a NotFound for unknown or malformed ids', async () => {
    assert.equal((await fields(getOrganisationSummary(db, 'not-a-uuid'))).status, 404);
    assert.equal((await fields(getOrganisationSummary(db, '00000000-0000-0000-0000-000000000000'))).status, 404);
  });
});

describe('canEditOrganisation', () => {
  let db: Db;
  before(async () => {
    db = await createTestDb();
  });
  after(() => db.close());

  test('staff of a cluster the organisation belongs to (active or suspended) may edit; staff of a cluster it withdrew from may not', async () => {
    const [active, suspended, withdrawn] = [await buildCluster(db), await buildCluster(db), await buildCluster(db)];
    const org = await buildOrganisation(db);
    await buildMembership(db, active.id, org.id);
    await buildMembership(db, suspended.id, org.id, { status: 'suspended' });
    await buildMembership(db, withdrawn.id, org.id, { status: 'withdrawn' });
    const staffOf = (clusterId: string): Actor => ({
      userId: '00000000-0000-0000-0000-000000000001',
      email: 's@example.org',
      name: 'S',
      locale: 'it',
      isDemo: false,
      roles: [{ role: 'staff', clusterId, organisationId: null }],
    });
    assert.equal(await canEditOrganisation(db, staffOf(active.id), org.id), true);
    assert.equal(await canEditOrganisation(db, staffOf(suspended.id), org.id), true);
    assert.equal(await canEditOrganisation(db, staffOf(withdrawn.id), org.id), false);
  });
});

describe('resolveMunicipality', () => {
  let db: Db;
  before(async () => {
    db = await createTestDb();
  });
  after(() => db.close());

  const code = async (v: string) => {
    const r = await resolveMunicipality(db, v);
    return typeof r === 'string' ? r : `${r.istat_code} ${r.name} (${r.province_acronym})`;
  };

  test('an ISTAT code, a name in any case with or without accents, or "Name (XX)" with the province acronym', async () => {
    assert.equal(await code('015146'), '015146 Milano (MI)');
    assert.equal(await code('  milano '), '015146 Milano (MI)');
    assert.equal(await code('Aglie'), '001001 Agliè (TO)');
    assert.equal(await code('AGLIÈ'), '001001 Agliè (TO)');
    // Castro is a municipality in Bergamo and in Lecce: the name alone is ambiguous.
    assert.equal(await code('Castro'), 'ambiguous_municipality');
    assert.match(await code('Castro (BG)'), /^016\d{3} Castro \(BG\)$/);
    assert.match(await code('castro(le)'), /^075\d{3} Castro \(LE\)$/);
    assert.equal(await code('Castro (MI)'), 'unknown_municipality');
    assert.equal(await code('Atlantide'), 'unknown_municipality');
    assert.equal(await code('999999'), 'unknown_municipality');
  });

  test('organisation seats accept the same forms', async () => {
    const { id } = await createOrganisation(db, null, {
      legalName: 'Sedi Risolte',
      seats: [
        { kind: 'legal', municipalityCode: 'Castro (BG)' },
        { kind: 'operational', municipalityCode: 'aglie' },
      ],
    });
    const seats = await db.query<{ name: string }>(
      'SELECT m.name || \' \' || p.acronym AS name FROM seat s JOIN municipality m ON m.istat_code = s.municipality_code JOIN province p ON p.code = m.province_code WHERE s.organisation_id = $1 ORDER BY s.kind',
      [id],
    );
    assert.deepEqual(seats.map((s) => s.name), ['Castro BG', 'Agliè TO']);
  });
});
