import { readFile } from 'node:fs/promises';
import { statField } from '../../test/support/thread-nice.ts';

/** CPU a server process has run so far, in milliseconds. */
export interface ProcessCpu {
  /** Its main thread, the one that answers the webhooks: `/proc/<pid>/task/<pid>/schedstat` (ns). */
  readonly mainThreadMs: number;
  /** All its threads (the runtime's backends and pipeline included): utime + stime of `/proc/<pid>/stat`. */
  readonly processMs: number;
}

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
    return { mainThreadMs: mainThreadNs / 1e6, processMs: (ticks * 1000) / USER_HZ };
  } catch {
    return undefined;
  }
}

/** CPU per request between two readings; undefined when either is missing or nothing was answered. */
export function cpuPerRequest(
  before: ProcessCpu | undefined,
  after: ProcessCpu | undefined,
  requests: number,
): ProcessCpu | undefined {
  if (!before || !after || requests === 0) return undefined;
  return {
    mainThreadMs: (after.mainThreadMs - before.mainThreadMs) / requests,
    processMs: (after.processMs - before.processMs) / requests,
  };
}
