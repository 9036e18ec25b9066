import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildLambdaBundle, bundleAssets, bundleDefine } from '../../../infra/bundling.ts';
import { buildTopology } from '../../../infra/topology.ts';
import type { CompanyConfig } from '../../../shared/config/schema.ts';
import { configuredPlatformRegistry } from '../../../shared/platforms/configured-registry.ts';
import { platformRegistry } from '../../../shared/platforms/registry.ts';
import { demoConfig } from '../../factories/config.ts';

const ROOT = path.resolve(import.meta.dirname, '../../..');

/** The demo company on Meta alone. */
function metaOnly(): CompanyConfig {
  const config = demoConfig();
  return { ...config, platforms: { meta: config.platforms.meta } };
}

function ingestSpec(config: CompanyConfig) {
  const spec = buildTopology(config).functions.find((f) => f.id === 'ingest-webhook');
  if (!spec) throw new Error('no ingest-webhook');
  return spec;
}

describe('configuredPlatformRegistry', () => {
  it('holds every webhook adapter of the registry, in its order, when run from source', () => {
    // Act
    const adapters = configuredPlatformRegistry.adapters;

    // Assess
    expect(adapters).toEqual(platformRegistry.adapters);
    expect(adapters.every((adapter, i) => adapter === platformRegistry.adapters[i])).toBe(true);
  });

  it('is told at build time to leave out the adapters of the platforms the config does not enable', () => {
    // Act
    const define = bundleDefine(ingestSpec(metaOnly()), metaOnly());

    // Assess
    const off = Object.keys(define).filter((name) => name.startsWith('process.env.BACKCHANNEL_WEBHOOK_OFF_'));
    expect(off.sort()).toEqual(
      ['GENERIC', 'LINKEDIN', 'TIKTOK', 'X', 'YOUTUBE'].map((id) => `process.env.BACKCHANNEL_WEBHOOK_OFF_${id}`),
    );
    expect(define['process.env.BACKCHANNEL_XML_PARSER_FILE']).toBeUndefined();
    expect(bundleAssets(ingestSpec(metaOnly()), metaOnly(), ROOT)).toEqual([]);
  });

  it('bundles only the enabled adapters, and no XML parser without YouTube', async () => {
    // Arrange
    const config = metaOnly();
    mkdirSync(path.join(ROOT, '.backchannel'), { recursive: true });
    const dir = mkdtempSync(path.join(ROOT, '.backchannel', 'configured-registry-'));

    try {
      // Act
      const bundle = await buildLambdaBundle(ingestSpec(config), config, ROOT, dir);

      // Assess
      const platforms = Object.keys(bundle.inputs).filter((input) =>
        /^shared\/platforms\/(meta|x|linkedin|youtube|tiktok|generic)\.ts$/.test(input),
      );
      expect(platforms).toEqual(['shared/platforms/meta.ts']);
      expect(Object.keys(bundle.inputs).filter((input) => input.includes('fast-xml-parser'))).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
