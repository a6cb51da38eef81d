import { z } from 'zod';

const EnvSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  HOST: z.string().default('0.0.0.0'),
  DATA_DIR: z.string().default('./data'),
  DATABASE_URL: z.string().optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Hours a sign-in token lives; a device refreshes it while online. */
  TOKEN_TTL_HOURS: z.coerce.number().positive().default(24 * 14),
  /** A built client to serve instead of dist/client (a release unpacked elsewhere, or a test's own build). */
  CLIENT_DIR: z.string().optional(),
  /** Per uploader: the sizes of the distinct material files they uploaded, in MB. */
  UPLOAD_QUOTA_MB: z.coerce.number().positive().default(5000),
});

export interface Config {
  port: number;
  host: string;
  dataDir: string;
  databaseUrl: string | undefined;
  logLevel: z.infer<typeof EnvSchema>['LOG_LEVEL'];
  tokenTtlMs: number;
  /** Where the built PWA is; unset means the checkout's dist/client. */
  clientDir?: string | undefined;
  /** Bytes of material files one uploader may store (UPLOAD_QUOTA_MB); unset means the default 5000 MB. */
  uploadQuotaBytes?: number;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`Invalid configuration: ${problems}`);
  }
  const e = parsed.data;
  return {
    port: e.PORT,
    host: e.HOST,
    dataDir: e.DATA_DIR,
    databaseUrl: e.DATABASE_URL || undefined,
    logLevel: e.LOG_LEVEL,
    tokenTtlMs: e.TOKEN_TTL_HOURS * 3600_000,
    clientDir: e.CLIENT_DIR || undefined,
    uploadQuotaBytes: e.UPLOAD_QUOTA_MB * 1024 * 1024,
  };
}
