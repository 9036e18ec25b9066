/**
 * One module bundled alone with the settings every function bundle has (platform, format,
 * main fields, the banner), for tests that run a piece of a bundle in a process of its own.
 */
import path from 'node:path';
import { build, type Metafile } from 'esbuild';
import { LAMBDA_BUNDLE } from '../../infra/bundling.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');

/** Bundles `contents` (an ES module resolved from the project root) into `outfile`; `alias` as a function's bundle has it. */
export async function bundleModule(
  contents: string,
  outfile: string,
  alias?: Record<string, string>,
): Promise<{ readonly metafile: Metafile }> {
  const built = await build({
    stdin: { contents, resolveDir: ROOT },
    outfile,
    bundle: true,
    platform: LAMBDA_BUNDLE.platform,
    format: LAMBDA_BUNDLE.format,
    mainFields: [...LAMBDA_BUNDLE.mainFields],
    banner: { js: LAMBDA_BUNDLE.banner },
    ...(alias ? { alias } : {}),
    metafile: true,
    logLevel: 'error',
  });
  return { metafile: built.metafile };
}
