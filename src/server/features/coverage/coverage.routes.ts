import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';

export const coverageApiRoutes: FastifyPluginAsyncZod = async () => {};

export const coveragePageRoutes: FastifyPluginAsyncZod = async () => {};
