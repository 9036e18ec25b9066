import { ensureConsoleBuilt } from '../../infra/console-build.ts';

/** Vitest global setup: the console is built once before any test file runs (the e2e tests serve it). */
export default async function setup(): Promise<void> {
  await ensureConsoleBuilt();
}
