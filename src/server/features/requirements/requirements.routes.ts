import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';

export const requirementsApiRoutes: FastifyPluginAsyncZod = async () => {};

export const requirementsPageRoutes: FastifyPluginAsyncZod = async () => {};
