import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';

export const membersApiRoutes: FastifyPluginAsyncZod = async () => {};

export const membersPageRoutes: FastifyPluginAsyncZod = async () => {};
