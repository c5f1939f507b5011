import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { h } from 'preact';
import type { Actor } from '../../lib/auth.ts';
import { fieldsFromZodIssues } from '../../lib/errors.ts';
import { pageContext, sendPage } from '../../lib/html.tsx';
import { auditFilterOptions, listAuditEvents } from './audit.ts';
import { AuditPage } from './audit.pages.tsx';
import { AuditList, AuditQuery } from './audit.schemas.ts';

const access = ['staff', 'region', 'platform_admin'] as const;

export const auditApiRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/audit',
    {
      config: { access },
      schema: {
        tags: ['audit'],
        summary: 'Audit log, newest first, 50 a page: staff see their clusters, region officers and platform admins everything',
        querystring: AuditQuery,
        response: { 200: AuditList },
      },
    },
    async (req) => {
      const list = await listAuditEvents(app.db, req.actor as Actor, req.query);
      return { ...list, items: list.items.map(({ clusterName: _omit, ...item }) => item) };
    },
  );
};

export const auditPageRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get('/audit', { config: { access } }, async (req, reply) => {
    const raw = Object.fromEntries(
      Object.entries(req.query as Record<string, unknown>).filter(([, v]) => typeof v === 'string' && v !== ''),
    ) as Record<string, string>;
    const parsed = AuditQuery.safeParse(raw);
    const actor = req.actor as Actor;
    const filter = parsed.success ? parsed.data : { page: 1 };
    const list = await listAuditEvents(app.db, actor, filter);
    const options = await auditFilterOptions(app.db, actor);
    const errors = parsed.success ? undefined : fieldsFromZodIssues(parsed.error.issues as never);
    return sendPage(
      reply,
      h(AuditPage, { ctx: pageContext(req, reply), items: list.items, total: list.total, page: list.page, pageSize: list.pageSize, filters: raw, options, errors }),
      parsed.success ? 200 : 400,
    );
  });
};
