import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseCompanyConfigYaml } from '../../shared/config/load.ts';
import type { CompanyConfig } from '../../shared/config/schema.ts';

const demoPath = fileURLToPath(new URL('../../companies/demo.yaml', import.meta.url));

/** The demo company config, parsed as the app parses it. */
export function demoConfig(): CompanyConfig {
  return parseCompanyConfigYaml(readFileSync(demoPath, 'utf8'), 'companies/demo.yaml');
}
