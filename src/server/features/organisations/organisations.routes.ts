import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';

export const organisationsApiRoutes: FastifyPluginAsyncZod = async () => {};

export const organisationsPageRoutes: FastifyPluginAsyncZod = async () => {};
