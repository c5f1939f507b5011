import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { h } from 'preact';
import { Layout, pageContext, sendPage } from '../../lib/html.tsx';

export const clustersApiRoutes: FastifyPluginAsyncZod = async () => {};

export const clustersPageRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get('/', { config: { access: 'public' } }, async (req, reply) => {
    const ctx = pageContext(req, reply);
    return sendPage(reply, h(Layout, { ctx, title: ctx.t('common.site.name'), children: h('h1', null, ctx.t('common.site.tagline')) }));
  });
};
