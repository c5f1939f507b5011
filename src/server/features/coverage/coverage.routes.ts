import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { h } from 'preact';
import { pageContext, sendPage } from '../../lib/html.tsx';
import { coverageCsv, coverageFileName, coverageXlsx } from './coverage.file.ts';
import { CoveragePage } from './coverage.pages.tsx';
import { CoverageOut, CoverageQuery } from './coverage.schemas.ts';
import { coveragePageData, getCoverage } from './coverage.ts';

const tags = ['coverage'];
const who =
  'Distinct member organisations (active membership) with a validated competence on each top-level stage of the value chain or one of its sub-stages. ' +
  'Everyone counts validated public competences; the staff of the cluster, region officers and platform admins also count members-only ones. ' +
  'Without a cluster: across clusters, for region officers and platform admins only (400 otherwise). Labels in ?lang=.';

export const coverageApiRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/coverage',
    {
      config: { access: 'public' },
      schema: { tags, summary: `Value-chain coverage: stages × provinces or member categories. ${who}`, querystring: CoverageQuery, response: { 200: CoverageOut } },
    },
    async (req) => getCoverage(app.db, req.actor, { cluster: req.query.cluster, by: req.query.by, locale: req.locale }),
  );
  app.get(
    '/coverage.csv',
    { config: { access: 'public' }, schema: { tags, summary: `The coverage matrix as CSV (UTF-8). ${who}`, querystring: CoverageQuery } },
    async (req, reply) => {
      const c = await getCoverage(app.db, req.actor, { cluster: req.query.cluster, by: req.query.by, locale: req.locale });
      return reply
        .header('content-type', 'text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="${coverageFileName(c, 'csv')}"`)
        .send(coverageCsv(c, req.t));
    },
  );
  app.get(
    '/coverage.xlsx',
    { config: { access: 'public' }, schema: { tags, summary: `The coverage matrix as XLSX. ${who}`, querystring: CoverageQuery } },
    async (req, reply) => {
      const c = await getCoverage(app.db, req.actor, { cluster: req.query.cluster, by: req.query.by, locale: req.locale });
      return reply
        .header('content-type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
        .header('content-disposition', `attachment; filename="${coverageFileName(c, 'xlsx')}"`)
        .send(await coverageXlsx(c, req.t));
    },
  );
};

export const coveragePageRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get('/coverage', { config: { access: 'public' }, schema: { querystring: CoverageQuery } }, async (req, reply) => {
    const data = await coveragePageData(app.db, req.actor, { cluster: req.query.cluster, by: req.query.by, locale: req.locale });
    return sendPage(reply, h(CoveragePage, { ctx: pageContext(req, reply), data }));
  });
};
