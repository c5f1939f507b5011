import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';

export const matchingApiRoutes: FastifyPluginAsyncZod = async () => {};

export const matchingPageRoutes: FastifyPluginAsyncZod = async () => {};
