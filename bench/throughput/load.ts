/**
 * Load for the throughput bench: signed webhooks POSTed either closed-loop (`concurrency`
 * requests in flight, the next sent when one is answered) or open-loop (a fixed rate, as a
 * crisis sends them whatever the answers), with each request's latency.
 */

export interface SignedRequest {
  readonly body: string;
  readonly headers: Readonly<Record<string, string>>;
}

export interface LoadResult {
  /** Requests sent. */
  readonly sent: number;
  /** Indexes of the requests answered 200. */
  readonly acknowledged: ReadonlySet<number>;
  /** Requests answered otherwise or not at all, by status (`error` for no answer). */
  readonly refused: Readonly<Record<string, number>>;
  /** From the first send to the last answer. */
  readonly elapsedMs: number;
  /** Latencies of the 200s, sorted ascending, milliseconds. */
  readonly latenciesMs: readonly number[];
}

/** Answered 200s per second. */
export const perSecond = (result: LoadResult): number => result.acknowledged.size / (result.elapsedMs / 1000);

/** The `q` quantile (0..1) of sorted values; 0 for none. */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))] as number;
}

/** POSTs every request, `concurrency` at a time. */
export async function closedLoop(url: string, requests: readonly SignedRequest[], concurrency: number) {
  const recorder = new Recorder();
  await inParallel(requests.length, concurrency, (n) => recorder.post(url, requests[n] as SignedRequest, n));
  return recorder.result(requests.length);
}

/**
 * Calls `work(n)` for n = 0 .. count - 1, at most `concurrency` (at least 1) at a time, each
 * next one as soon as one ends, in order of n.
 */
export async function inParallel(count: number, concurrency: number, work: (n: number) => Promise<unknown>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.max(1, Math.min(concurrency, count)) }, async () => {
      while (next < count) await work(next++);
    }),
  );
}

/**
 * POSTs the requests at `ratePerSecond`, each on time whether or not the earlier ones were
 * answered (at most `maxInFlight` open, beyond which a request counts as refused with
 * `overload`, as a platform's delivery would time out). `onTick` runs every 500 ms.
 */
export async function openLoop(
  url: string,
  requests: readonly SignedRequest[],
  options: { ratePerSecond: number; maxInFlight?: number; onTick?: (elapsedMs: number) => void },
): Promise<LoadResult> {
  const recorder = new Recorder();
  const maxInFlight = options.maxInFlight ?? 512;
  const pending = new Set<Promise<void>>();
  const started = performance.now();
  const ticker = options.onTick ? setInterval(() => options.onTick?.(performance.now() - started), 500) : undefined;
  try {
    for (const [n, request] of requests.entries()) {
      const due = started + (n * 1000) / options.ratePerSecond;
      const wait = due - performance.now();
      if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
      if (pending.size >= maxInFlight) {
        recorder.refuse('overload');
        continue;
      }
      const sending: Promise<void> = recorder.post(url, request, n).finally(() => pending.delete(sending));
      pending.add(sending);
    }
    await Promise.all(pending);
  } finally {
    if (ticker) clearInterval(ticker);
  }
  return recorder.result(requests.length);
}

class Recorder {
  readonly #acknowledged = new Set<number>();
  readonly #refused: Record<string, number> = {};
  readonly #latencies: number[] = [];
  readonly #started = performance.now();
  #last = this.#started;

  async post(url: string, request: SignedRequest, n: number): Promise<void> {
    const sent = performance.now();
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...request.headers },
        body: request.body,
        signal: AbortSignal.timeout(30_000),
      });
      await response.arrayBuffer();
      if (response.status === 200) {
        this.#acknowledged.add(n);
        this.#latencies.push(performance.now() - sent);
      } else {
        this.refuse(String(response.status));
      }
    } catch {
      this.refuse('error');
    }
    this.#last = performance.now();
  }

  refuse(reason: string): void {
    this.#refused[reason] = (this.#refused[reason] ?? 0) + 1;
  }

  result(sent: number): LoadResult {
    return {
      sent,
      acknowledged: this.#acknowledged,
      refused: this.#refused,
      elapsedMs: this.#last - this.#started,
      latenciesMs: [...this.#latencies].sort((a, b) => a - b),
    };
  }
}
