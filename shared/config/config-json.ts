import { ConfigError } from './config-error.ts';
import { CompanyConfigSchema, type CompanyConfig } from './schema.ts';

/**
 * Validates the config JSON a function receives in its environment.
 * @throws ConfigError when it is missing or invalid
 */
export function parseCompanyConfigJson(json: string | undefined): CompanyConfig {
  if (!json) {
    throw new ConfigError([
      { file: 'COMPANY_CONFIG', line: 1, column: 1, path: '', message: 'the company config is not set' },
    ]);
  }
  const result = CompanyConfigSchema.safeParse(JSON.parse(json));
  if (!result.success) {
    throw new ConfigError(
      result.error.issues.map((i) => ({
        file: 'COMPANY_CONFIG',
        line: 1,
        column: 1,
        path: i.path.join('.'),
        message: i.message,
      })),
    );
  }
  return result.data;
}
