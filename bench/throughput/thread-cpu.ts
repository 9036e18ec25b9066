import { readdir, readFile } from 'node:fs/promises';
import { statField } from '../../test/support/thread-nice.ts';

/** CPU a server process has run so far, in milliseconds. */
export interface ProcessCpu {
  /** Its main thread, the one that answers the webhooks: `/proc/<pid>/task/<pid>/schedstat` (ns). */
  readonly mainThreadMs: number;
  /** All its threads (the runtime's backends and pipeline included): utime + stime of `/proc/<pid>/stat`. */
  readonly processMs: number;
  /**
   * The threads the runtime names (`bc-pipeline`, `bc-dynamodb`, `bc-sqs`: thread-priority.ts
   * `nameThisThread`), each from its `/proc/<pid>/task/<tid>/schedstat`, summed by name. The
   * rest (V8's GC and compiler threads, libuv's pool) is `processMs` less these and the main thread.
   */
  readonly namedThreadsMs?: Readonly<Record<string, number>>;
}

/** Thread names counted apart: the runtime's own (infra/local/thread-priority.ts `nameThisThread`). */
const NAMED_THREAD = /^bc-/;

/** Clock ticks per second of /proc/<pid>/stat (USER_HZ), 100 on every Linux that Node supports. */
const USER_HZ = 100;

/**
 * The CPU a process has used, read from /proc. Unlike a latency it does not grow while a
 * thread waits for a core, so on a shared machine it says what a request costs the process
 * that answers it. Undefined off Linux or once the process is gone.
 */
export async function processCpu(pid: number | undefined): Promise<ProcessCpu | undefined> {
  if (pid === undefined) return undefined;
  try {
    const [schedstat, stat] = await Promise.all([
      readFile(`/proc/${pid}/task/${pid}/schedstat`, 'utf8'),
      readFile(`/proc/${pid}/stat`, 'utf8'),
    ]);
    // utime and stime: fields 14 and 15.
    const ticks = Number(statField(stat, 14)) + Number(statField(stat, 15));
    const mainThreadNs = Number(schedstat.split(' ')[0]);
    if (!Number.isFinite(ticks) || !Number.isFinite(mainThreadNs)) return undefined;
    return {
      mainThreadMs: mainThreadNs / 1e6,
      processMs: (ticks * 1000) / USER_HZ,
      namedThreadsMs: await namedThreadsCpu(pid),
    };
  } catch {
    return undefined;
  }
}

/** CPU (ms) of the process's named threads, summed by name; a thread that ended meanwhile is left out. */
async function namedThreadsCpu(pid: number): Promise<Record<string, number>> {
  const byName: Record<string, number> = {};
  for (const tid of await readdir(`/proc/${pid}/task`)) {
    try {
      const name = (await readFile(`/proc/${pid}/task/${tid}/comm`, 'utf8')).trim();
      if (!NAMED_THREAD.test(name)) continue;
      const ns = Number((await readFile(`/proc/${pid}/task/${tid}/schedstat`, 'utf8')).split(' ')[0]);
      if (Number.isFinite(ns)) byName[name] = (byName[name] ?? 0) + ns / 1e6;
    } catch {
      // The thread ended between the listing and the read.
    }
  }
  return byName;
}

/** CPU per request between two readings; undefined when either is missing or nothing was answered. */
export function cpuPerRequest(
  before: ProcessCpu | undefined,
  after: ProcessCpu | undefined,
  requests: number,
): ProcessCpu | undefined {
  if (!before || !after || requests === 0) return undefined;
  const named = Object.entries(after.namedThreadsMs ?? {}).map(
    ([name, ms]) => [name, (ms - (before.namedThreadsMs?.[name] ?? 0)) / requests] as const,
  );
  return {
    mainThreadMs: (after.mainThreadMs - before.mainThreadMs) / requests,
    processMs: (after.processMs - before.processMs) / requests,
    ...(named.length > 0 ? { namedThreadsMs: Object.fromEntries(named) } : {}),
  };
}

/**
 * A reading by thread for a table: the main thread, each named thread, and the rest of the
 * process (its unnamed threads, never below 0: the process's CPU is counted in 10 ms ticks).
 */
export function byThread(cpu: ProcessCpu): { name: string; ms: number }[] {
  const named = Object.entries(cpu.namedThreadsMs ?? {})
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, ms]) => ({ name, ms }));
  const counted = cpu.mainThreadMs + named.reduce((sum, t) => sum + t.ms, 0);
  return [
    { name: 'main', ms: cpu.mainThreadMs },
    ...named,
    { name: 'other threads', ms: Math.max(0, cpu.processMs - counted) },
  ];
}
