import { PutEventsCommand, type EventBridgeClient, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import {
  CASE_DETAIL_TYPES,
  DETAIL_TYPES,
  EVENT_SOURCE,
  type CaseEvent,
  type MentionRouted,
  type SpikeDetected,
} from '../domain/events.ts';
import type { CaseEventPublisher, EventPublisher } from '../domain/ports.ts';
import { retry } from '../domain/retry.ts';
import type { SpikeEventPublisher } from '../domain/spikes/ports.ts';

/** PutEvents takes at most 10 entries per call. */
const MAX_ENTRIES = 10;

export interface EventBridgePublisherOptions {
  readonly attempts?: number;
  readonly backoffMs?: number;
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

  constructor(
    private readonly client: EventBridgeClient,
    private readonly busName: string,
    options: EventBridgePublisherOptions = {},
  ) {
    this.attempts = options.attempts ?? 3;
    this.backoffMs = options.backoffMs ?? 100;
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

  /** Publishes case changes, each with the detail-type of its action (`Case Assigned`, ...). */
  async publishCaseEvents(events: readonly CaseEvent[]): Promise<void> {
    const entries: PutEventsRequestEntry[] = events.map((detail) => ({
      EventBusName: this.busName,
      Source: EVENT_SOURCE,
      DetailType: CASE_DETAIL_TYPES[detail.action],
      Detail: JSON.stringify(detail),
    }));
    await this.putAll(entries);
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

  private async putAll(entries: readonly PutEventsRequestEntry[]): Promise<void> {
    for (let i = 0; i < entries.length; i += MAX_ENTRIES) await this.putChunk(entries.slice(i, i + MAX_ENTRIES));
  }

  private async putChunk(chunk: PutEventsRequestEntry[]): Promise<void> {
    let pending = chunk;
    await retry(
      async () => {
        const result = await this.client.send(new PutEventsCommand({ Entries: pending }));
        if (!result.FailedEntryCount) return;
        // Result entries are in request order; a failed one carries an ErrorCode.
        const results = result.Entries ?? [];
        const failed = pending.filter((_, index) => results[index]?.ErrorCode !== undefined);
        // A count without per-entry codes says nothing about which: resend them all.
        if (failed.length > 0) pending = failed;
        throw new PublishError(pending.length, results.find((r) => r.ErrorCode)?.ErrorCode);
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
