import type { Db } from '../src/server/db/db.ts';
import { applyImport, confirmImport, validateImport } from '../src/server/features/imports/imports.ts';
import type { Actor } from '../src/server/lib/auth.ts';

/** An Italian VAT number from ten digits: the check digit computed (synthetic rows only). */
function vat(n: number): string {
  const ten = String(n).padStart(10, '0');
  let sum = 0;
  for (let i = 0; i < 10; i++) {
    const d = Number(ten[i]);
    sum += i % 2 === 0 ? d : d * 2 > 9 ? d * 2 - 9 : d * 2;
  }
  return ten + String((10 - (sum % 10)) % 10);
}

/**
 * S7: 10,000 synthetic organisations imported from CSV through the product's own dry run and apply
 * (the job handler's function), every 50th row deliberately bad so the report is exercised too.
 */
export async function benchImport(db: Db, clusterId: string, rows = 10_000) {
  const [user] = await db.query<{ id: string }>(
    `INSERT INTO app_user (email, name) VALUES ('bench-import@bench.invalid', 'Bench import') RETURNING id`,
  );
  const actor: Actor = { userId: user.id, email: 'bench-import@bench.invalid', name: 'Bench import', locale: 'it', isDemo: false, roles: [{ role: 'staff', clusterId, organisationId: null }] };
  const municipalities = (await db.query<{ istat_code: string }>(
    `SELECT m.istat_code FROM municipality m JOIN province p ON p.code = m.province_code WHERE p.region_code = '03' ORDER BY 1`,
  )).map((m) => m.istat_code);
  const lines = ['legal_name,category,vat_number,ateco_codes,operational_municipality,operational_address,join_cluster'];
  for (let i = 1; i <= rows; i++) {
    const bad = i % 50 === 0;
    lines.push(
      [`Bench Import ${String(i).padStart(5, '0')}`, 'company', bad ? '12345678901' : vat(5_000_000_000 + i), '20.42.00', municipalities[i % municipalities.length], `Via Sintetica ${i}`, 'yes'].join(','),
    );
  }
  const data = Buffer.from(lines.join('\n'));
  const t0 = performance.now();
  const batch = await validateImport(db, actor, { clusterId, fileName: 'bench.csv', mimeType: 'text/csv', data });
  const dryRun = (performance.now() - t0) / 1000;
  await confirmImport(db, actor, batch.id);
  const t1 = performance.now();
  await applyImport(db, batch.id);
  const apply = (performance.now() - t1) / 1000;
  const [done] = await db.query<{ created: number }>(`SELECT created_count AS created FROM import_batch WHERE id = $1`, [batch.id]);
  return { rows, badRowsReported: batch.errors.length, created: done.created, dryRunSeconds: dryRun, applySeconds: apply, rowsPerSecond: rows / (dryRun + apply) };
}
