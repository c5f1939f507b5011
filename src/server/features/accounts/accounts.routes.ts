import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';

export const accountsApiRoutes: FastifyPluginAsyncZod = async () => {};

export const accountsPageRoutes: FastifyPluginAsyncZod = async () => {};
