/**
 * The local account's concurrency: how many queue-triggered invocations run at once across
 * every function of the runtime. In AWS each Lambda instance has its own CPU, so a queue's
 * event source may run up to its maximum concurrency. Locally every invocation shares one
 * process: twenty batches at once would each take twenty times as long, run into the
 * function timeout and come back as retries. The pollers take a slot per batch, so the
 * topology's concurrency applies up to this bound, in the order the pollers asked.
 */
export interface InvocationSlots {
  /** Waits for a free slot; call the returned function once the batch is done. */
  acquire(): Promise<() => void>;
  /** Slots in use. */
  inUse(): number;
  /** Times a poller had to wait for a slot (the local counterpart of throttles). */
  waits(): number;
}

/** A local default: a few batches overlap their I/O waits without starving one another of CPU. */
export const DEFAULT_LOCAL_CONCURRENCY = 4;

export function createInvocationSlots(limit: number = DEFAULT_LOCAL_CONCURRENCY): InvocationSlots {
  const max = Math.max(1, limit);
  let used = 0;
  let waits = 0;
  const queue: (() => void)[] = [];
  const release = () => {
    const next = queue.shift();
    // The slot passes straight to the next waiter; otherwise it is free again.
    if (next) next();
    else used--;
  };
  const once = () => {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      release();
    };
  };
  return {
    acquire: () => {
      if (used < max) {
        used++;
        return Promise.resolve(once());
      }
      waits++;
      return new Promise((resolve) => queue.push(() => resolve(once())));
    },
    inUse: () => used,
    waits: () => waits,
  };
}
