/**
 * A bundle reads its company config, validated by the schema at synth, without the schema
 * (shared/config/config-json.ts, issue 12): that is only right while the schema's output,
 * as JSON, is already what the schema would make of it.
 */
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CONFIG_CHECKED_ENV } from '../../../infra/bundling.ts';
import { ConfigError } from '../../../shared/config/config-error.ts';
import { loadAllCompanyConfigs } from '../../../shared/config/load.ts';
import { CompanyConfigSchema } from '../../../shared/config/schema.ts';
import { demoConfig } from '../../factories/config.ts';

const ROOT = path.resolve(import.meta.dirname, '../../..');

/** config-json.ts as a bundle evaluates it: the variable the bundle's define sets is set at load. */
async function bundledReader(): Promise<typeof import('../../../shared/config/config-json.ts')> {
  vi.stubEnv(CONFIG_CHECKED_ENV, 'synth');
  vi.resetModules();
  return import('../../../shared/config/config-json.ts');
}

function issuesOf(read: () => unknown): ConfigError['issues'] {
  try {
    read();
  } catch (error) {
    // After vi.resetModules the reader throws its own module graph's ConfigError class.
    if (error instanceof Error && error.name === ConfigError.name) return (error as ConfigError).issues;
    throw error;
  }
  throw new Error('expected the config to be refused');
}

afterEach(() => {
  vi.unstubAllEnvs();
  vi.resetModules();
});

describe('the config a bundle carries', () => {
  it('is, for every company and the demo, what the schema makes of it again', async () => {
    // Arrange
    const configs = [demoConfig(), ...(await loadAllCompanyConfigs(ROOT))];
    const { parseCompanyConfigJson } = await bundledReader();

    for (const config of configs) {
      const json = JSON.stringify(config);
      // Act
      const read = parseCompanyConfigJson(json);
      // Assess
      expect(read, config.company.id).toEqual(CompanyConfigSchema.parse(JSON.parse(json)));
    }
  });

  it('is refused when it is not JSON, naming the variable', async () => {
    const { parseCompanyConfigJson } = await bundledReader();

    const issues = issuesOf(() => parseCompanyConfigJson('{"company":'));

    expect(issues).toEqual([expect.objectContaining({ file: 'COMPANY_CONFIG', path: '' })]);
    expect(issues[0]?.message).toMatch(/^the company config is not JSON/);
  });

  it('is refused when a section every function reads is missing or has no company id', async () => {
    const { parseCompanyConfigJson } = await bundledReader();
    const { routing: _routing, ...withoutRouting } = demoConfig();

    const issues = issuesOf(() =>
      parseCompanyConfigJson(JSON.stringify({ ...withoutRouting, company: { name: 'x' }, departments: [] })),
    );

    expect(issues.map((i) => i.path)).toEqual(['routing', 'company.id', 'departments']);
  });

  it('is refused when it is not set', async () => {
    const { parseCompanyConfigJson } = await bundledReader();

    expect(issuesOf(() => parseCompanyConfigJson(undefined))).toEqual([
      expect.objectContaining({ message: 'the company config is not set' }),
    ]);
  });

  it('is still validated by the whole schema from source', async () => {
    const { parseCompanyConfigJson } = await import('../../../shared/config/config-json.ts');
    const config = demoConfig();

    const issues = issuesOf(() =>
      parseCompanyConfigJson(JSON.stringify({ ...config, routing: { ...config.routing, fallback: 'nobody' } })),
    );

    expect(issues).toEqual([expect.objectContaining({ path: 'routing.fallback' })]);
  });
});
