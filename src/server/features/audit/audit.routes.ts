import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';

export const auditApiRoutes: FastifyPluginAsyncZod = async () => {};

export const auditPageRoutes: FastifyPluginAsyncZod = async () => {};
