import { randomBytes } from 'node:crypto';
import type { Db } from '../../db/db.ts';
import { hashPassword } from '../accounts/accounts.ts';
import type { Category } from '../organisations/organisations.schemas.ts';
import { createOrganisation } from '../organisations/organisations.ts';

export type DemoLogin = { email: string; password: string; role: string };

// Public facts only: the recognition decree (Regione Lombardia, no. 2002 of 17/02/2026) and the documents it cites.
// Nothing that is not public is stated: no VAT numbers, seats, sizes, leader flags or partnership agreement date.
const capofila = 'REI – Reindustria Innovazione';
const promoters: { name: string; category: Category | null }[] = [
  { name: capofila, category: null },
  { name: 'Ancorotti Cosmetics', category: 'company' },
  { name: 'REGI Laboratories + Omnicos Group', category: 'company' },
  { name: 'Lumson', category: 'company' },
  { name: 'Eurofins Cosmetics and Personal Care', category: 'company' },
  { name: 'Università degli Studi di Milano – Bicocca', category: 'university' },
  { name: 'Politecnico di Milano', category: 'university' },
  { name: 'ITS Academy Nuove Tecnologie della Vita', category: null },
  { name: 'Comune di Crema', category: 'public_institution' },
  { name: 'Provincia di Cremona', category: 'public_institution' },
  { name: 'ACSU – Associazione Cremonese Studi Universitari', category: null },
  { name: 'Polo Tecnologico della Cosmesi', category: null },
  { name: 'Camera di Commercio di Cremona, Mantova e Pavia', category: 'chamber_of_commerce' },
];

export const demoCluster = {
  slug: 'cosmetica',
  name_it: 'Cluster Tecnologico Lombardo del Made in Italy – Sistema Cosmetico',
  name_en: 'Lombardy Technology Cluster for Made in Italy – Cosmetics System',
  association_name: 'Associazione Cluster Tecnologico Lombardo per il Made in Italy – Sistema Cosmetico',
  legal_form: 'Associazione',
  legal_personality: true,
  legal_personality_evidence: 'Riconoscimento regionale, decreto n. 2002 del 17/02/2026',
  constituted_on: '2025-12-15',
  statute_registered_on: '2025-12-19',
  statute_registration_office: 'Agenzia delle Entrate – Ufficio di Cremona (atto costitutivo certificato del 15/12/2025)',
  recognition_application_on: '2025-12-30',
  recognition_application_protocol: 'R1.2025.0006958',
  recognition_assessment:
    'L’istruttoria della Regione Lombardia (DG Università, Ricerca, Innovazione) ha verificato la sussistenza dei requisiti per il riconoscimento del Cluster Tecnologico Lombardo.',
  recognition_decree_number: '2002',
  recognition_decree_on: '2026-02-17',
  description_it:
    'Il cluster riunisce imprese, università, enti di formazione, istituzioni e associazioni della filiera cosmetica lombarda. È stato riconosciuto dalla Regione Lombardia (DG Università, Ricerca, Innovazione) con decreto n. 2002 del 17/02/2026.',
  description_en:
    'The cluster brings together companies, universities, training bodies, institutions and associations of the Lombard cosmetics value chain. It was recognised by Regione Lombardia (DG Università, Ricerca, Innovazione) with decree no. 2002 of 17/02/2026.',
};

const demoUsers = [
  { email: 'staff@demo.filiera.invalid', name: 'Demo – Staff del cluster', role: 'staff' as const },
  { email: 'regione@demo.filiera.invalid', name: 'Demo – Funzionario regionale', role: 'region' as const },
  { email: 'admin@demo.filiera.invalid', name: 'Demo – Amministratore della piattaforma', role: 'platform_admin' as const },
];

/** Loads the demo data into a database without clusters; returns the demo logins, or null when a cluster already exists. */
export async function seedDemo(db: Db): Promise<DemoLogin[] | null> {
  const password = `demo-${randomBytes(6).toString('base64url')}`;
  const passwordHash = await hashPassword(password);
  return db.transaction(async (tx) => {
    if (tx.engine === 'postgres') await tx.query('SELECT pg_advisory_xact_lock(727275)');
    const [existing] = await tx.query('SELECT 1 FROM cluster LIMIT 1');
    if (existing) return null;
    const c = demoCluster;
    const [cluster] = await tx.query<{ id: string }>(
      `INSERT INTO cluster (slug, name_it, name_en, association_name, legal_form, legal_personality, legal_personality_evidence,
         constituted_on, statute_registered_on, statute_registration_office, recognition_application_on,
         recognition_application_protocol, recognition_assessment, recognition_decree_number, recognition_decree_on,
         description_it, description_en, is_demo)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, false) RETURNING id`,
      [
        c.slug, c.name_it, c.name_en, c.association_name, c.legal_form, c.legal_personality, c.legal_personality_evidence,
        c.constituted_on, c.statute_registered_on, c.statute_registration_office, c.recognition_application_on,
        c.recognition_application_protocol, c.recognition_assessment, c.recognition_decree_number, c.recognition_decree_on,
        c.description_it, c.description_en,
      ],
    );
    // The capofila is the role of REI's membership (one per cluster); the cluster row does not name it.
    for (const p of promoters) {
      const { id } = await createOrganisation(tx, null, { legalName: p.name, category: p.category });
      const [m] = await tx.query<{ id: string }>(
        `INSERT INTO membership (cluster_id, organisation_id, role, status, joined_on) VALUES ($1, $2, $3, 'active', '2025-12-15') RETURNING id`,
        [cluster.id, id, p.name === capofila ? 'capofila' : 'promoter'],
      );
      await tx.query(`INSERT INTO membership_event (membership_id, kind, reason, decided_on) VALUES ($1, 'admitted', $2, '2025-12-15')`, [
        m.id,
        'Socio promotore (atto costitutivo del 15/12/2025)',
      ]);
    }
    const logins: DemoLogin[] = [];
    for (const u of demoUsers) {
      const [user] = await tx.query<{ id: string }>(
        `INSERT INTO app_user (email, name, password_hash, locale, is_demo) VALUES ($1, $2, $3, 'it', true) RETURNING id`,
        [u.email, u.name, passwordHash],
      );
      await tx.query('INSERT INTO user_role (user_id, role, cluster_id) VALUES ($1, $2, $3)', [
        user.id,
        u.role,
        u.role === 'staff' ? cluster.id : null,
      ]);
      logins.push({ email: u.email, password, role: u.role });
    }
    return logins;
  });
}
