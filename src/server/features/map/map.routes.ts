import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';

export const mapApiRoutes: FastifyPluginAsyncZod = async () => {};

export const mapPageRoutes: FastifyPluginAsyncZod = async () => {};
