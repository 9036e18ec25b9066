import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseCompanyConfigYaml } from '../../shared/config/load.ts';
import type { CompanyConfig } from '../../shared/config/schema.ts';

const demoPath = fileURLToPath(new URL('../../companies/demo.yaml', import.meta.url));

/** The demo company config, parsed as the app parses it. */
export function demoConfig(): CompanyConfig {
  return parseCompanyConfigYaml(readFileSync(demoPath, 'utf8'), 'companies/demo.yaml');
}

/** The Facebook Page of the restfb fixtures (`page-feed-comment-add.restfb.json`): not the demo's. */
export const RESTFB_PAGE_ID = '1234567890321';

/**
 * The demo config with more Facebook Page ids of its own, so that a fixture written for
 * another Page is addressed to the company (webhooks for other Pages are ignored).
 */
export function demoConfigWithPages(...pageIds: string[]): CompanyConfig {
  const config = demoConfig();
  const meta = config.platforms.meta;
  if (!meta) throw new Error('the demo config has no meta platform');
  return { ...config, platforms: { ...config.platforms, meta: { ...meta, pageIds: [...meta.pageIds, ...pageIds] } } };
}
