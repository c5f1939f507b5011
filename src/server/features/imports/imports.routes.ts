import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Actor } from '../../lib/auth.ts';
import { ValidationError } from '../../lib/errors.ts';
import { templateCsv, templateXlsx } from './imports.file.ts';
import { ImportBatchSchema, ImportIdParams, toImportBatch } from './imports.schemas.ts';
import { h } from 'preact';
import { pageContext, sendPage } from '../../lib/html.tsx';
import { ImportBatchPage, ImportFormPage } from './imports.pages.tsx';
import { confirmImport, getImport, listImportClusters, validateImport } from './imports.ts';
import { type UploadBody, registerUploadParser } from './imports.upload.ts';

const access = ['staff'] as const;

export const importsApiRoutes: FastifyPluginAsyncZod = async (app) => {
  registerUploadParser(app);

  app.get(
    '/imports/template.csv',
    { config: { access }, schema: { tags: ['imports'], summary: 'The organisation import template (CSV), with one example row' } },
    async (_req, reply) =>
      reply.header('content-type', 'text/csv; charset=utf-8').header('content-disposition', 'attachment; filename="filiera-import.csv"').send(templateCsv()),
  );
  app.get(
    '/imports/template.xlsx',
    { config: { access }, schema: { tags: ['imports'], summary: 'The organisation import template (XLSX), with one example row' } },
    async (_req, reply) =>
      reply
        .header('content-type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
        .header('content-disposition', 'attachment; filename="filiera-import.xlsx"')
        .send(await templateXlsx()),
  );
  app.post(
    '/imports',
    {
      config: { access },
      schema: {
        tags: ['imports'],
        summary: 'Dry run: upload a CSV or XLSX file (multipart: file, clusterId); every bad row is listed and nothing is written',
        consumes: ['multipart/form-data'],
        response: { 201: ImportBatchSchema },
      },
    },
    async (req, reply) => {
      const body = req.body as UploadBody | undefined;
      if (!body || typeof body !== 'object' || !('fields' in body)) throw new ValidationError({ file: 'required' });
      if (!body.file || body.file.data.length === 0) throw new ValidationError({ file: 'required' });
      const batch = await validateImport(app.db, req.actor as Actor, { clusterId: body.fields.clusterId ?? '', ...body.file });
      return reply.code(201).send(toImportBatch(batch));
    },
  );
  app.get(
    '/imports/:id',
    { config: { access }, schema: { tags: ['imports'], summary: 'An import: its dry-run report and progress', params: ImportIdParams, response: { 200: ImportBatchSchema } } },
    async (req) => toImportBatch(await getImport(app.db, req.actor as Actor, req.params.id)),
  );
  app.post(
    '/imports/:id/apply',
    {
      config: { access },
      schema: { tags: ['imports'], summary: 'Confirms a validated import: it is applied in the background', params: ImportIdParams, response: { 202: ImportBatchSchema } },
    },
    async (req, reply) => reply.code(202).send(toImportBatch(await confirmImport(app.db, req.actor as Actor, req.params.id))),
  );
};

export const importsPageRoutes: FastifyPluginAsyncZod = async (app) => {
  registerUploadParser(app);

  app.get('/staff/imports', { config: { access } }, async (req, reply) => {
    const clusters = await listImportClusters(app.db, req.actor as Actor);
    return sendPage(reply, h(ImportFormPage, { ctx: pageContext(req, reply), clusters }));
  });

  app.post('/staff/imports', { config: { access } }, async (req, reply) => {
    const actor = req.actor as Actor;
    const body = req.body as UploadBody | undefined;
    const clusterId = body && typeof body === 'object' && 'fields' in body ? (body.fields.clusterId ?? '') : '';
    try {
      if (!body || typeof body !== 'object' || !('fields' in body) || !body.file || body.file.data.length === 0) {
        throw new ValidationError({ file: 'required' });
      }
      const batch = await validateImport(app.db, actor, { clusterId, ...body.file });
      return reply.redirect(`/${req.locale}/staff/imports/${batch.id}`, 303);
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      const clusters = await listImportClusters(app.db, actor);
      return sendPage(reply, h(ImportFormPage, { ctx: pageContext(req, reply), clusters, errors: err.fields, clusterId }), 400);
    }
  });

  app.get('/staff/imports/:id', { config: { access }, schema: { params: ImportIdParams } }, async (req, reply) => {
    const batch = await getImport(app.db, req.actor as Actor, req.params.id);
    return sendPage(reply, h(ImportBatchPage, { ctx: pageContext(req, reply), batch }));
  });

  app.post('/staff/imports/:id/apply', { config: { access }, schema: { params: ImportIdParams } }, async (req, reply) => {
    await confirmImport(app.db, req.actor as Actor, req.params.id);
    return reply.redirect(`/${req.locale}/staff/imports/${req.params.id}`, 303);
  });
};
