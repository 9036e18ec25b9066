/**
 * Lines for a stream, written once per turn of the event loop instead of once each.
 * process.stderr writes synchronously to pipes, files and terminals, so a write per line
 * put a system call on the path of every webhook's ack (the runtime logs one line per
 * request, more per routed mention). `flush()` writes what is pending at once: call it
 * before writing to the same stream directly and at exit.
 */
export interface CoalescedLines {
  /** Queues `text` and a newline; written at the end of this turn of the event loop. */
  line(text: string): void;
  /** Writes the queued lines now (nothing when none are queued). */
  flush(): void;
}

export function coalescedLines(write: (text: string) => void): CoalescedLines {
  let pending: string[] = [];
  let scheduled = false;
  const flush = (): void => {
    scheduled = false;
    if (pending.length === 0) return;
    const text = pending.join('');
    pending = [];
    write(text);
  };
  return {
    line: (text) => {
      pending.push(`${text}\n`);
      if (!scheduled) {
        scheduled = true;
        setImmediate(flush);
      }
    },
    flush,
  };
}
