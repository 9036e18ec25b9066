import { readlinkSync, writeFileSync } from 'node:fs';
import { setPriority } from 'node:os';

/**
 * A lower OS scheduling priority (a higher nice value) for the calling thread alone, so that
 * the kernel runs the threads on the webhooks' ack path (the main thread's HTTP API, the SQS
 * thread) before the threads off it (the pipeline thread, the DynamoDB thread) when both want
 * a core; idle CPU still goes to the niced ones (Round w17). On Linux every thread is a task
 * with its own id, and setpriority(PRIO_PROCESS, tid), which `os.setPriority` calls, changes
 * that task only. Raising nice needs no privilege; lowering it back does, so a thread stays
 * niced until it ends.
 */

/** The default nice value of the threads off the ack path when the pipeline runs in its thread. */
export const DEFAULT_PIPELINE_NICE = 10;

export type ThreadPriorityResult =
  | { readonly applied: true; readonly tid: number; readonly nice: number }
  | { readonly applied: false; readonly reason: string };

/**
 * Sets the calling thread's nice value to `nice` (0-19); 0 leaves it as it is.
 * Never throws: where the platform refuses (not Linux, EPERM, no /proc), the result says why.
 */
export function niceThisThread(nice: number): ThreadPriorityResult {
  if (nice === 0) return { applied: false, reason: 'nice 0: left at the default priority' };
  if (process.platform !== 'linux') {
    return { applied: false, reason: `per-thread priority needs Linux (this is ${process.platform})` };
  }
  try {
    // "<pid>/task/<tid>": the task id of this very thread, which os.setPriority accepts as a pid.
    const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
    if (!Number.isInteger(tid) || tid <= 0) return { applied: false, reason: 'no thread id in /proc/thread-self' };
    setPriority(tid, nice);
    return { applied: true, tid, nice };
  } catch (error) {
    return { applied: false, reason: error instanceof Error ? error.message : String(error) };
  }
}

/**
 * Checks a nice value from the environment or an option: an integer from 0 to 19.
 * @throws RangeError otherwise (a negative value would need privileges).
 */
export function parseNice(value: number, name: string): number {
  if (!Number.isInteger(value) || value < 0 || value > 19) {
    throw new RangeError(`${name} must be an integer from 0 to 19 (got ${value})`);
  }
  return value;
}

/** The longest thread name Linux keeps (TASK_COMM_LEN 16, with its terminating zero). */
const THREAD_NAME_MAX = 15;

/**
 * Names the calling thread for the kernel (`/proc/<pid>/task/<tid>/comm`, what `top -H` and
 * `ps -L` show), so that a thread's CPU can be told apart from the others' (the runtime's
 * workers are otherwise all "node"). Linux only; cut to 15 characters. Never throws: returns
 * whether the name was set.
 */
export function nameThisThread(name: string): boolean {
  if (process.platform !== 'linux') return false;
  try {
    writeFileSync('/proc/thread-self/comm', name.slice(0, THREAD_NAME_MAX));
    return true;
  } catch {
    return false;
  }
}
