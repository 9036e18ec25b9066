import { foldWord, termOf } from './terms.ts';
import type { TermVector } from './theme-vector.ts';

/** An internal process as the config names it (`processes:`): who owns it, and what points to it. */
export interface ProcessRef {
  readonly id: string;
  readonly name: string;
  readonly owner: { readonly name: string; readonly email?: string | undefined };
  readonly terms?: readonly string[] | undefined;
  readonly themes?: readonly string[] | undefined;
}

/** Share of a theme's mentions that must use a process's terms for the theme to point to it. */
export const MIN_PROCESS_SHARE = 0.2;

/**
 * The process a theme points to: the one that names the theme's id, else the one whose
 * terms the theme's mentions use most (at least MIN_PROCESS_SHARE of them), else none.
 * A term of several words counts by its rarest word in the theme.
 */
export function processOf(
  theme: { readonly id: string; readonly language: string; readonly vector: TermVector; readonly mentions: number },
  processes: readonly ProcessRef[],
): ProcessRef | undefined {
  const named = processes.find((p) => p.themes?.includes(theme.id));
  if (named) return named;
  let best: ProcessRef | undefined;
  let bestShare = 0;
  for (const process of processes) {
    let share = 0;
    for (const phrase of process.terms ?? []) {
      const words = phrase
        .split(/\s+/)
        .map((w) => termOf(foldWord(w), theme.language))
        .filter((t): t is string => t !== undefined);
      if (words.length === 0) continue;
      const uses = Math.min(...words.map((w) => theme.vector.weights[w] ?? 0));
      share = Math.max(share, uses / Math.max(1, theme.mentions));
    }
    if (share > bestShare) {
      best = process;
      bestShare = share;
    }
  }
  return bestShare >= MIN_PROCESS_SHARE ? best : undefined;
}
