import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';

export const cosingApiRoutes: FastifyPluginAsyncZod = async () => {};

export const cosingPageRoutes: FastifyPluginAsyncZod = async () => {};
