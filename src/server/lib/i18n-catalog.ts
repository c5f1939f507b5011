// Every feature's catalog, keyed by its prefix. Keys and placeholders must match between it and en (tested).
import { messages as accounts } from '../features/accounts/accounts.i18n.ts';
import { messages as audit } from '../features/audit/audit.i18n.ts';
import { messages as clusters } from '../features/clusters/clusters.i18n.ts';
import { messages as competences } from '../features/competences/competences.i18n.ts';
import { messages as cosing } from '../features/cosing/cosing.i18n.ts';
import { messages as coverage } from '../features/coverage/coverage.i18n.ts';
import { messages as imports } from '../features/imports/imports.i18n.ts';
import { messages as map } from '../features/map/map.i18n.ts';
import { messages as members } from '../features/members/members.i18n.ts';
import { messages as organisations } from '../features/organisations/organisations.i18n.ts';
import { messages as requirements } from '../features/requirements/requirements.i18n.ts';
import { messages as search } from '../features/search/search.i18n.ts';
import { messages as marketplace } from '../features/marketplace/marketplace.i18n.ts';
import { messages as collaborations } from '../features/collaborations/collaborations.i18n.ts';
import { messages as matching } from '../features/matching/matching.i18n.ts';
import { messages as projects } from '../features/projects/projects.i18n.ts';
import { messages as taxonomy } from '../features/taxonomy/taxonomy.i18n.ts';
import { messages as common } from './common.i18n.ts';

export const catalogs = { common, accounts, audit, clusters, members, organisations, requirements, taxonomy, cosing, map, imports, competences, search, coverage, marketplace, collaborations, matching, projects };
