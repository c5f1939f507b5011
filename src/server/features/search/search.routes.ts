import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';

export const searchApiRoutes: FastifyPluginAsyncZod = async () => {};

export const searchPageRoutes: FastifyPluginAsyncZod = async () => {};
