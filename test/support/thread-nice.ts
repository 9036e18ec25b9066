import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

/**
 * The kernel's view of this process's threads (Linux /proc): what the per-thread priority
 * tests assert on, rather than on what the code says it did.
 */

/** Whether /proc shows per-thread nice values here. */
export const PER_THREAD_NICE = process.platform === 'linux';

/**
 * Field `n` (1-based, as proc(5) numbers them) of a /proc `stat` text. Field 2 (comm) is in
 * parentheses and may hold spaces: fields are counted from the last ")", which ends field 2.
 */
export function statField(stat: string, n: number): string | undefined {
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[n - 3];
}

/** A task's nice value: field 19 of /proc/<pid>/task/<tid>/stat. */
export function niceOf(tid: number, pid = process.pid): number {
  return Number(statField(readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8'), 19));
}

/** The ids of this process's threads whose nice value is `nice`. */
export function threadsAtNice(nice: number): number[] {
  return readdirSync(`/proc/${process.pid}/task`)
    .map(Number)
    .filter((tid) => {
      try {
        return niceOf(tid) === nice;
      } catch {
        return false; // the thread ended between the listing and the read
      }
    });
}

/** The id of the calling thread. */
export function currentThreadId(): number {
  return Number(readlinkSync('/proc/thread-self').split('/').pop());
}
