import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';

export const marketplaceApiRoutes: FastifyPluginAsyncZod = async () => {};

export const marketplacePageRoutes: FastifyPluginAsyncZod = async () => {};
