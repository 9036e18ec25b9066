/**
 * Gives memory back after a burst. V8 collects its old generation only when allocation
 * reaches the heap limit it grew to during the burst, and an idle runtime allocates too
 * little to get there: `bench:memory` measured 400+ MB RSS, 210+ MB of it dead heap, still
 * held 30 s after a burst of 1,000 webhooks, and the probe saw 683 MB that stayed,
 * although a forced GC brings the same process back to within a few MB of its baseline.
 * So once the functions have been quiet for `quietMs` after some work, one full GC runs.
 * It needs `global.gc` (node `--expose-gc`, which `npm start` passes); without it this
 * does nothing.
 */

export interface IdleGc {
  /** Call when an invocation ends: the next quiet period collects. */
  activity(): void;
  stop(): void;
}

export function startIdleGc(options: {
  readonly busy: () => boolean;
  readonly quietMs?: number;
  readonly gc?: () => void;
}): IdleGc {
  const gc = options.gc ?? (globalThis as { gc?: () => void }).gc;
  const quietMs = options.quietMs ?? 5_000;
  let lastActivity = 0;
  let collectedAt = 0;
  const timer = gc
    ? setInterval(
        () => {
          if (lastActivity <= collectedAt || options.busy() || Date.now() - lastActivity < quietMs) return;
          collectedAt = Date.now();
          gc();
        },
        Math.max(100, quietMs / 2),
      )
    : undefined;
  timer?.unref();
  return {
    activity: () => {
      lastActivity = Date.now();
    },
    stop: () => clearInterval(timer),
  };
}
