import { PutEventsCommand, type EventBridgeClient, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import {
  CASE_DETAIL_TYPES,
  DETAIL_TYPES,
  EVENT_SOURCE,
  type CaseEvent,
  type ErasureRequested,
  type MentionRouted,
  type MentionsRouted,
  type SpikeDetected,
} from '../domain/events.ts';
import { consumedCaseEvents, type CaseEventSubscription } from '../domain/case-event-publishing.ts';
import type { CaseEventPublisher, EventPublisher, PublishOutcome } from '../domain/ports.ts';
import { retry } from '../domain/retry.ts';
import type { SpikeEventPublisher } from '../domain/spikes/ports.ts';

/** PutEvents takes at most 10 entries per call. */
const MAX_ENTRIES = 10;
/** And at most 256 KB per call, counted as EventBridge counts an entry (entrySize). */
const MAX_REQUEST_BYTES = 256 * 1024;

export interface EventBridgePublisherOptions {
  readonly attempts?: number;
  readonly backoffMs?: number;
  /**
   * The case events the company's own integrations consume (config `events.caseEvents`,
   * caseEventSubscriptionOf): a case event without recipients is put only when subscribed
   * (isCaseEventConsumed). Default `'all'`: a publisher built without the company's
   * setting puts every case event it is given.
   */
  readonly caseEvents?: CaseEventSubscription;
  /** Told the case events of a call that nobody consumes, so they were not put (for a metric; the local console prints them). */
  readonly onWithheld?: (withheld: readonly CaseEvent[]) => void;
}

/** Thrown when some events could still not be published after every attempt. */
export class PublishError extends Error {
  constructor(
    readonly failed: number,
    readonly lastErrorCode: string | undefined,
  ) {
    super(`${failed} event(s) could not be published (last error: ${lastErrorCode ?? 'unknown'})`);
    this.name = 'PublishError';
  }
}

/** Publishes to the company's bus, resending only the entries that failed. */
export class EventBridgePublisher implements EventPublisher, CaseEventPublisher, SpikeEventPublisher {
  private readonly attempts: number;
  private readonly backoffMs: number;
  private readonly caseEvents: CaseEventSubscription;
  private readonly onWithheld: (withheld: readonly CaseEvent[]) => void;

  constructor(
    private readonly client: EventBridgeClient,
    private readonly busName: string,
    options: EventBridgePublisherOptions = {},
  ) {
    this.attempts = options.attempts ?? 3;
    this.backoffMs = options.backoffMs ?? 100;
    this.caseEvents = options.caseEvents ?? 'all';
    this.onWithheld = options.onWithheld ?? (() => {});
  }

  async publishMentionRouted(events: readonly MentionRouted[]): Promise<void> {
    const entries: PutEventsRequestEntry[] = events.map((detail) => ({
      EventBusName: this.busName,
      Source: EVENT_SOURCE,
      DetailType: DETAIL_TYPES.mentionRouted,
      Detail: JSON.stringify(detail),
    }));
    await this.putAll(entries);
  }

  /**
   * Publishes `Mentions Routed` details and the case changes (`caseEvents`) something
   * consumes, one entry each, in as few calls as the limits allow (the case changes first);
   * entries that failed are resent. Never throws for what the bus refused: returns it, and
   * how many case changes were withheld because nothing consumes them.
   */
  async publishMentionsRouted(
    batches: readonly MentionsRouted[],
    caseEvents: readonly CaseEvent[] = [],
  ): Promise<
    PublishOutcome<MentionsRouted> & {
      readonly failedCaseEvents: readonly CaseEvent[];
      readonly withheldCaseEvents: number;
    }
  > {
    const { consumed, withheld } = this.consumed(caseEvents);
    const changes = new Map(consumed.map((detail) => [this.caseEntry(detail), detail]));
    const routed = new Map<PutEventsRequestEntry, MentionsRouted>(
      batches.map((detail) => [
        {
          EventBusName: this.busName,
          Source: EVENT_SOURCE,
          DetailType: DETAIL_TYPES.mentionsRouted,
          Detail: JSON.stringify(detail),
        },
        detail,
      ]),
    );
    const { failed, cause } = await this.tryAll([...changes.keys(), ...routed.keys()]);
    return {
      failed: failed.flatMap((entry) => routed.get(entry) ?? []),
      failedCaseEvents: failed.flatMap((entry) => changes.get(entry) ?? []),
      withheldCaseEvents: withheld,
      ...(cause ? { cause } : {}),
    };
  }

  /**
   * Publishes the case changes something consumes (isCaseEventConsumed), each with the
   * detail-type of its action (`Case Assigned`, ...); the others go to `onWithheld`.
   */
  async publishCaseEvents(events: readonly CaseEvent[]): Promise<void> {
    await this.putAll(this.consumed(events).consumed.map((detail) => this.caseEntry(detail)));
  }

  /** The case events to put, the company's subscription applied; the others go to `onWithheld`. */
  private consumed(events: readonly CaseEvent[]): ReturnType<typeof consumedCaseEvents> {
    const outcome = consumedCaseEvents(events, this.caseEvents);
    if (outcome.withheld > 0) {
      const put = new Set(outcome.consumed);
      this.onWithheld(events.filter((event) => !put.has(event)));
    }
    return outcome;
  }

  private caseEntry(detail: CaseEvent): PutEventsRequestEntry {
    return {
      EventBusName: this.busName,
      Source: EVENT_SOURCE,
      DetailType: CASE_DETAIL_TYPES[detail.action],
      Detail: JSON.stringify(detail),
    };
  }

  async publishSpikeDetected(events: readonly SpikeDetected[]): Promise<void> {
    const entries: PutEventsRequestEntry[] = events.map((detail) => ({
      EventBusName: this.busName,
      Source: EVENT_SOURCE,
      DetailType: DETAIL_TYPES.spikeDetected,
      Detail: JSON.stringify(detail),
    }));
    await this.putAll(entries);
  }

  /** `Erasure Requested`: the erasure queue's rule starts the job (functions/erase-author). */
  async publishErasureRequested(detail: ErasureRequested): Promise<void> {
    await this.putAll([
      {
        EventBusName: this.busName,
        Source: EVENT_SOURCE,
        DetailType: DETAIL_TYPES.erasureRequested,
        Detail: JSON.stringify(detail),
      },
    ]);
  }

  private async putAll(entries: readonly PutEventsRequestEntry[]): Promise<void> {
    for (const chunk of chunksOf(entries)) await this.putChunk(chunk);
  }

  /** Puts every chunk; what still failed after every attempt is returned with the last error, not thrown. */
  private async tryAll(
    entries: readonly PutEventsRequestEntry[],
  ): Promise<{ failed: PutEventsRequestEntry[]; cause?: Error }> {
    const failed: PutEventsRequestEntry[] = [];
    let cause: Error | undefined;
    for (const chunk of chunksOf(entries)) {
      const pending = { entries: chunk };
      try {
        await this.putChunk(chunk, pending);
      } catch (error) {
        // A PublishError leaves the entries still refused in `pending`; a failed call, all of them.
        failed.push(...pending.entries);
        cause = error instanceof Error ? error : new Error(String(error));
      }
    }
    return { failed, ...(cause ? { cause } : {}) };
  }

  private async putChunk(
    chunk: PutEventsRequestEntry[],
    state: { entries: PutEventsRequestEntry[] } = { entries: chunk },
  ): Promise<void> {
    await retry(
      async () => {
        const result = await this.client.send(new PutEventsCommand({ Entries: state.entries }));
        if (!result.FailedEntryCount) {
          state.entries = [];
          return;
        }
        // Result entries are in request order; a failed one carries an ErrorCode.
        const results = result.Entries ?? [];
        const failed = state.entries.filter((_, index) => results[index]?.ErrorCode !== undefined);
        // A count without per-entry codes says nothing about which: resend them all.
        if (failed.length > 0) state.entries = failed;
        throw new PublishError(state.entries.length, results.find((r) => r.ErrorCode)?.ErrorCode);
      },
      {
        maxAttempts: this.attempts,
        delayMs: (attempt) => this.backoffMs * 2 ** (attempt - 1),
        // An error of the call itself was already retried by the SDK.
        retryable: (error) => error instanceof PublishError,
      },
    );
  }
}

/**
 * An entry's size as EventBridge counts it against the limits: the UTF-8 bytes of its
 * source, detail-type, detail and resources, plus 14 for the time.
 */
export function entrySize(entry: PutEventsRequestEntry): number {
  const bytes = (text: string | undefined) => (text ? Buffer.byteLength(text) : 0);
  return (
    14 +
    bytes(entry.Source) +
    bytes(entry.DetailType) +
    bytes(entry.Detail) +
    (entry.Resources ?? []).reduce((n, r) => n + bytes(r), 0)
  );
}

/** Entries in calls of at most 10 entries and 256 KB (an entry larger than that alone in its call: the bus refuses it). */
function chunksOf(entries: readonly PutEventsRequestEntry[]): PutEventsRequestEntry[][] {
  const chunks: PutEventsRequestEntry[][] = [];
  let current: PutEventsRequestEntry[] = [];
  let bytes = 0;
  for (const entry of entries) {
    const size = entrySize(entry);
    if (current.length > 0 && (current.length === MAX_ENTRIES || bytes + size > MAX_REQUEST_BYTES)) {
      chunks.push(current);
      current = [];
      bytes = 0;
    }
    current.push(entry);
    bytes += size;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}
