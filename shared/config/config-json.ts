import { ConfigError, type ConfigIssue } from './config-error.ts';
import type { CompanyConfig } from './schema.ts';

/**
 * The company config schema (zod, with the platform adapters and notifier registry it pulls
 * in) where the config JSON comes from outside: `npm start`, tests, the CLI. A bundle carries
 * its config validated at synth (infra/bundling.ts defines `process.env.BACKCHANNEL_CONFIG_CHECKED`
 * beside it); esbuild folds this condition and drops the import, and the bundle reads the
 * config with the small check below. A static import would keep the schema in every bundle.
 */
const schema = process.env.BACKCHANNEL_CONFIG_CHECKED ? undefined : await import('./schema.ts');

/** The sections every function reads: a config of another shape was not built by this code's synth. */
const SECTIONS = [
  'company',
  'departments',
  'routing',
  'cases',
  'classifier',
  'keywords',
  'retention',
  'admin',
] as const;

const issueAt = (path: string, message: string): ConfigIssue => ({
  file: 'COMPANY_CONFIG',
  line: 1,
  column: 1,
  path,
  message,
});

/**
 * Validates the config JSON a function receives in its environment: with the whole schema
 * from source; in a bundle, whose config the schema validated at synth, by its shape only
 * (an object with the sections every function reads and a company id).
 *
 * @throws ConfigError when it is missing or invalid
 */
export function parseCompanyConfigJson(json: string | undefined): CompanyConfig {
  if (!json) throw new ConfigError([issueAt('', 'the company config is not set')]);
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (error) {
    throw new ConfigError([issueAt('', `the company config is not JSON: ${(error as Error).message}`)]);
  }
  if (!schema) return checkedAtSynth(value);
  const result = schema.CompanyConfigSchema.safeParse(value);
  if (!result.success) {
    throw new ConfigError(result.error.issues.map((i) => issueAt(i.path.join('.'), i.message)));
  }
  return result.data;
}

/** The small check of a config that the schema validated at synth (infra/bundling.ts). */
function checkedAtSynth(value: unknown): CompanyConfig {
  const config = value as Record<string, unknown> | null;
  if (typeof config !== 'object' || config === null || Array.isArray(config)) {
    throw new ConfigError([issueAt('', 'the company config is not an object')]);
  }
  const missing = SECTIONS.filter((section) => typeof config[section] !== 'object' || config[section] === null);
  const company = config.company as { id?: unknown } | undefined;
  const departments = config.departments;
  const issues = [
    ...missing.map((section) => issueAt(section, `section "${section}" is missing: deploy the stack again`)),
    ...(missing.includes('company') || typeof company?.id === 'string' ? [] : [issueAt('company.id', 'no company id')]),
    ...(Array.isArray(departments) && departments.length > 0 ? [] : [issueAt('departments', 'no departments')]),
  ];
  if (issues.length > 0) throw new ConfigError(issues);
  return config as unknown as CompanyConfig;
}
