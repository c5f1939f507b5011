import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';

export const collaborationsApiRoutes: FastifyPluginAsyncZod = async () => {};

export const collaborationsPageRoutes: FastifyPluginAsyncZod = async () => {};
