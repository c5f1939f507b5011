import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

const bool = z
  .enum(['1', '0', 'true', 'false', 'yes', 'no', 'on', 'off', ''])
  .transform((v) => ['1', 'true', 'yes', 'on'].includes(v));

const EnvSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default('127.0.0.1'),
  FILIERA_DATA_DIR: z.string().min(1).default('./.filiera'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must start with postgres:// or postgresql://')
    .optional()
    .or(z.literal('').transform(() => undefined)),
  FILIERA_DEMO: bool.optional(),
  SESSION_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\//, 'must start with smtp:// or smtps://')
    .optional()
    .or(z.literal('').transform(() => undefined)),
  TRUST_PROXY: z
    .string()
    .regex(/^(false|true|\d+|[0-9a-fA-F:.\/]+(,\s*[0-9a-fA-F:.\/]+)*)$/, 'must be false, a hop count, or addresses/CIDRs separated by commas')
    .optional(),
  MAIL_FROM: z.string().default('Filiera <no-reply@filiera.invalid>'),
  FILIERA_MAIL_DIR: z.string().min(1).optional(),
  FILIERA_CACHE_DIR: z.string().min(1).optional(),
  PUBLIC_URL: z.string().url().optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export type Config = {
  env: 'development' | 'production' | 'test';
  port: number;
  host: string;
  dataDir: string;
  databaseUrl: string | undefined;
  demo: boolean;
  sessionSecret: string;
  sessionSecretGenerated: boolean;
  smtpUrl: string | undefined;
  mailFrom: string;
  mailDir: string;
  /** Where files derived from the code are kept (the compressed stylesheets and script): the project's .cache/ by default. */
  cacheDir: string;
  publicUrl: string;
  logLevel: string;
  secureCookies: boolean;
  /** Which proxies' X-Forwarded-For to believe: the per-IP rate limits depend on it. */
  trustProxy: boolean | number | string;
};

export class ConfigError extends Error {}

const projectCacheDir = fileURLToPath(new URL('../../.cache/', import.meta.url));

/** Parses the environment once; every problem is listed, not only the first. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  const production = e.NODE_ENV === 'production';
  const missing = production
    ? [
        !e.SESSION_SECRET && '  SESSION_SECRET: required when NODE_ENV=production',
        !e.PUBLIC_URL && '  PUBLIC_URL: required when NODE_ENV=production (links in e-mails use it)',
      ].filter(Boolean)
    : [];
  if (missing.length) throw new ConfigError(`Invalid configuration:\n${missing.join('\n')}`);
  const port = e.PORT;
  return {
    env: e.NODE_ENV,
    port,
    host: e.HOST,
    dataDir: e.FILIERA_DATA_DIR,
    databaseUrl: e.DATABASE_URL,
    demo: e.FILIERA_DEMO ?? !production,
    sessionSecret: e.SESSION_SECRET ?? randomBytes(32).toString('hex'),
    sessionSecretGenerated: !e.SESSION_SECRET,
    smtpUrl: e.SMTP_URL,
    mailFrom: e.MAIL_FROM,
    mailDir: e.FILIERA_MAIL_DIR ?? `${e.FILIERA_DATA_DIR.replace(/\/$/, '')}/mail`,
    cacheDir: e.FILIERA_CACHE_DIR ? resolve(e.FILIERA_CACHE_DIR) : projectCacheDir,
    publicUrl: (e.PUBLIC_URL ?? `http://${e.HOST === '0.0.0.0' ? 'localhost' : e.HOST}:${port}`).replace(/\/$/, ''),
    logLevel: e.LOG_LEVEL,
    secureCookies: production,
    trustProxy: parseTrustProxy(e.TRUST_PROXY),
  };
}

function parseTrustProxy(v: string | undefined): boolean | number | string {
  if (!v || v === 'false') return false;
  if (v === 'true') return true;
  return /^\d+$/.test(v) ? Number(v) : v;
}
