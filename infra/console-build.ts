import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The console app (Vite) and its build output, served at /console/ by functions/serve-console. */
export const CONSOLE_DIR = fileURLToPath(new URL('../console/', import.meta.url));
export const CONSOLE_DIST = path.join(CONSOLE_DIR, 'dist');

/** The newest modification time of the console's sources (src, index.html, vite.config.ts). */
function newestSource(dir = CONSOLE_DIR): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'dist' || entry.name === 'node_modules') continue;
    const full = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestSource(full) : statSync(full).mtimeMs);
  }
  return newest;
}

/** True when console/dist is missing or older than a source file. */
export function consoleBuildIsStale(): boolean {
  const index = path.join(CONSOLE_DIST, 'index.html');
  return !existsSync(index) || statSync(index).mtimeMs < newestSource();
}

/**
 * Builds the console with Vite when its build is missing or stale (a fresh clone, an edit):
 * `npm start` and the tests serve what the sources say. About a second on this machine.
 */
export async function ensureConsoleBuilt(log: (line: string) => void = () => {}): Promise<'built' | 'current'> {
  if (!consoleBuildIsStale()) return 'current';
  const started = Date.now();
  const { build } = await import('vite');
  await build({ configFile: path.join(CONSOLE_DIR, 'vite.config.ts'), logLevel: 'warn' });
  log(`built the console (console/dist) in ${Date.now() - started} ms`);
  return 'built';
}
