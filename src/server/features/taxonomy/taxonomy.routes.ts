import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';

export const taxonomyApiRoutes: FastifyPluginAsyncZod = async () => {};

export const taxonomyPageRoutes: FastifyPluginAsyncZod = async () => {};
