/**
 * The scraper's settings: one zod schema with the defaults, each setting read from one
 * environment variable (the table in docs/scraper.md). Invalid values stop the function at start
 * with a message naming the variable, never a silent default.
 */
import { z } from 'zod';
import { ValidationError } from '../errors/index.ts';

export const SCRAPER_VARIABLES = {
  leaseSeconds: 'SHELFWATCH_SCRAPER_LEASE_SECONDS',
  navigationTimeoutSeconds: 'SHELFWATCH_SCRAPER_NAVIGATION_TIMEOUT_SECONDS',
  maxResponseBytes: 'SHELFWATCH_SCRAPER_MAX_RESPONSE_BYTES',
  recycleAfterPages: 'SHELFWATCH_SCRAPER_RECYCLE_AFTER_PAGES',
  domainRatePerSecond: 'SHELFWATCH_SCRAPER_DOMAIN_RATE_PER_SECOND',
  domainBurst: 'SHELFWATCH_SCRAPER_DOMAIN_BURST',
  userAgents: 'SHELFWATCH_SCRAPER_USER_AGENTS',
  proxySecretName: 'SHELFWATCH_SCRAPER_PROXY_SECRET_NAME',
  siteOrigins: 'SHELFWATCH_SITE_ORIGINS',
  allowHosts: 'SHELFWATCH_SCRAPE_ALLOW_HOSTS',
  chromiumBinPath: 'SHELFWATCH_CHROMIUM_BIN',
} as const;

type Setting = keyof typeof SCRAPER_VARIABLES;

const seconds = (fallback: number, max: number) => z.coerce.number().int().min(1).max(max).default(fallback);

export const scraperConfigSchema = z
  .object({
    leaseSeconds: seconds(120, 900),
    navigationTimeoutSeconds: seconds(30, 120),
    /** HTTP fetch mode: a page whose body (on the wire or decoded) is larger fails (permanent). */
    maxResponseBytes: z.coerce
      .number()
      .int()
      .min(64 * 1024)
      .max(256 * 1024 * 1024)
      .default(16 * 1024 * 1024),
    recycleAfterPages: z.coerce.number().int().min(1).max(10_000).default(50),
    domainRatePerSecond: z.coerce.number().positive().max(1_000).default(1),
    domainBurst: z.coerce.number().int().min(1).max(10_000).default(5),
    /** JSON array of user-agent strings to rotate through, one per run; unset: Chromium's own. */
    userAgents: z
      .string()
      .transform((text, context) => {
        try {
          return z.array(z.string().min(1).max(512)).min(1).max(1000).parse(JSON.parse(text));
        } catch {
          context.addIssue({ code: 'custom', message: 'must be a JSON array of 1-1000 user-agent strings' });
          return z.NEVER;
        }
      })
      .optional(),
    /** Name of a Secrets Manager secret holding the outbound proxy (see proxy.ts); unset: direct. */
    proxySecretName: z
      .string()
      .regex(/^[A-Za-z0-9/_+=.@-]{1,512}$/, 'must be a Secrets Manager secret name')
      .optional(),
    /**
     * JSON object: real site origin → where to send its requests instead (the local demo shop),
     * e.g. {"https://www.amazon.com": "http://127.0.0.1:4100/amazon/com"}.
     */
    siteOrigins: z
      .string()
      .transform((text, context) => {
        try {
          return z.record(z.url(), z.url()).parse(JSON.parse(text));
        } catch {
          context.addIssue({
            code: 'custom',
            message: 'must be a JSON object mapping origin URLs to origin URLs',
          });
          return z.NEVER;
        }
      })
      .optional(),
    /** Folder of @sparticuz/chromium's compressed browser (`bin`), when not inside node_modules (Lambda). */
    chromiumBinPath: z.string().min(1).optional(),
    /** Comma-separated `host:port` values the SSRF guard lets through (the local demo shop only). */
    allowHosts: z
      .string()
      .transform((text) =>
        text
          .split(',')
          .map((host) => host.trim())
          .filter(Boolean),
      )
      .optional(),
  })
  .refine((config) => config.leaseSeconds >= 2 * config.navigationTimeoutSeconds, {
    message:
      'must be at least twice the navigation timeout: a lease shorter than a page is lost on every page',
    path: ['leaseSeconds'],
  });

export type ScraperConfig = z.infer<typeof scraperConfigSchema>;

/** The defaults, the only ones: RunScraper and BrowserHost fall back to these when not given a value. */
export const SCRAPER_DEFAULTS: ScraperConfig = scraperConfigSchema.parse({});

export function readScraperConfig(env: NodeJS.ProcessEnv = process.env): ScraperConfig {
  const input = Object.fromEntries(
    Object.entries(SCRAPER_VARIABLES).flatMap(([setting, variable]) => {
      const value = env[variable];
      return value === undefined || value === '' ? [] : [[setting, value]];
    }),
  );
  const parsed = scraperConfigSchema.safeParse(input);
  if (parsed.success) return parsed.data;
  const error = ValidationError.fromZod('scraper configuration', parsed.error);
  throw new ValidationError(
    'scraper configuration',
    error.issues.map((issue) => ({
      field: SCRAPER_VARIABLES[issue.field as Setting] ?? issue.field,
      message: issue.message,
    })),
  );
}
