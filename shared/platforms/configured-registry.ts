import { createPlatformRegistry } from './create-registry.ts';
import type { PlatformAdapter, PlatformRegistry } from './platform-adapter.ts';

/*
 * One line per webhook adapter of shared/platforms/registry.ts, in its order. Each variable
 * is spelled out so that esbuild can fold it: infra/bundling.ts defines
 * `process.env.BACKCHANNEL_WEBHOOK_OFF_<ID>` in a bundle whose config does not enable the
 * platform, esbuild drops that `import()` and the adapter with its payload schemas (for
 * YouTube also its XML parser). Without the variables (npm start, tests, the CLI) every
 * adapter loads. test/unit/platforms/configured-registry.test.ts holds the list to the registry.
 */
const adapters = [
  process.env.BACKCHANNEL_WEBHOOK_OFF_META ? undefined : (await import('./meta.ts')).metaAdapter,
  process.env.BACKCHANNEL_WEBHOOK_OFF_X ? undefined : (await import('./x.ts')).xAdapter,
  process.env.BACKCHANNEL_WEBHOOK_OFF_LINKEDIN ? undefined : (await import('./linkedin.ts')).linkedInAdapter,
  process.env.BACKCHANNEL_WEBHOOK_OFF_YOUTUBE ? undefined : (await import('./youtube.ts')).youTubeAdapter,
  process.env.BACKCHANNEL_WEBHOOK_OFF_TIKTOK ? undefined : (await import('./tiktok.ts')).tikTokAdapter,
  process.env.BACKCHANNEL_WEBHOOK_OFF_GENERIC ? undefined : (await import('./generic.ts')).genericAdapter,
] as readonly (PlatformAdapter | undefined)[];

/**
 * The webhook adapters ingest-webhook receives with: in a bundle those of the platforms its
 * config enables (decided at build time, like the config itself), from source all of
 * `platformRegistry`. A platform left out answers 404, as a platform the config does not
 * enable does with every adapter present.
 */
export const configuredPlatformRegistry: PlatformRegistry = createPlatformRegistry(
  adapters.filter((adapter) => adapter !== undefined),
);
