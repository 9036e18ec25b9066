import { randomUUID } from 'node:crypto';
import type { BusSpec, RuleSpec } from '../topology.ts';
import { matchesPattern, validatePattern } from './event-pattern.ts';
import { AwsServiceError, type Caller } from './json-endpoint.ts';

/**
 * The local EventBridge bus: `PutEvents` as the API describes it (per-entry EventId or
 * ErrorCode/ErrorMessage, FailedEntryCount), delivering each accepted event as the
 * EventBridge envelope to the target queue of every matching topology rule.
 *
 * Deliberately stricter than AWS in one point: an entry for a bus other than the topology's
 * fails with InvalidArgument, where AWS accepts it and drops it silently.
 *
 * A delivery that fails is retried (at most {@link LOCAL_DELIVERY_RETRIES} times, at once:
 * locally a queue that refuses a message does not recover within EventBridge's hours) and
 * then sent to the rule's dead-letter queue with EventBridge's attributes, counted as a
 * FailedInvocation of the rule. Only when that fails too does the entry fail, so the
 * publisher resends it: nothing is dropped.
 */

/** Immediate redeliveries of a failed target delivery before the DLQ. */
export const LOCAL_DELIVERY_RETRIES = 2;

/** Why a rule's event went to its DLQ, as EventBridge writes it into the message attributes. */
export interface DeadLetterAttributes {
  readonly RULE_ARN: string;
  readonly ERROR_CODE: string;
  readonly ERROR_MESSAGE: string;
}

/** What a matching rule's target receives: the EventBridge event envelope. */
export interface EventEnvelope {
  readonly version: '0';
  readonly id: string;
  readonly 'detail-type': string;
  readonly source: string;
  readonly account: string;
  readonly time: string;
  readonly region: string;
  readonly resources: readonly string[];
  readonly detail: Record<string, unknown>;
}

export type PutEventsResultEntry = { EventId: string } | { ErrorCode: string; ErrorMessage: string };

export interface PutEventsOutput {
  readonly FailedEntryCount: number;
  readonly Entries: readonly PutEventsResultEntry[];
}

export interface LocalEventBusOptions {
  readonly bus: BusSpec;
  readonly region: string;
  readonly accountId: string;
  /** Sends an event envelope (JSON) to a topology queue. */
  readonly deliver: (queueId: string, body: string) => Promise<void>;
  /**
   * Sends up to {@link MAX_BATCH_ENTRIES} envelopes to one topology queue in one request
   * (SendMessageBatch) and resolves to each body's error, undefined where it was delivered;
   * a throw means none was. Without it each body goes through `deliver`, one after another.
   */
  readonly deliverBatch?: (queueId: string, bodies: readonly string[]) => Promise<readonly unknown[]>;
  /** Sends an event a rule could not deliver to the rule's dead-letter queue (`rule.deadLetterQueue`). */
  readonly deadLetter?: (rule: RuleSpec, body: string, attributes: DeadLetterAttributes) => Promise<void>;
  /** Returns why the caller may not put events on the bus, or undefined when it may. */
  readonly authorize?: (caller: Caller) => string | undefined;
  readonly log?: (line: string) => void;
  /** Where each event's routing goes (`event "..." from ... -> rule, ...` or `no matching rule`): not a problem, so not `log`. */
  readonly debug?: (line: string) => void;
  /** Sees every event the bus accepted, matched or not (the runtime prints case changes from them). */
  readonly observe?: (event: EventEnvelope) => void;
  readonly now?: () => Date;
}

export interface LocalEventBus {
  readonly arn: string;
  /** The `AWSEvents.PutEvents` operation. */
  putEvents(input: Record<string, unknown>, caller?: Caller): Promise<PutEventsOutput>;
  /** Events each rule could not deliver to its target since start (CloudWatch's FailedInvocations), by rule id. */
  failedInvocations(): Readonly<Record<string, number>>;
}

// https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-putevent-size.html
const MAX_ENTRIES = 10;
const MAX_REQUEST_SIZE = 256 * 1024;

// https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SendMessageBatch.html
/** Envelopes for one queue per {@link LocalEventBusOptions.deliverBatch} call, at most (SendMessageBatch's limit). */
export const MAX_BATCH_ENTRIES = 10;
/** The payload of one SendMessageBatch, at most (the smaller of SQS's old and new limits). */
const MAX_BATCH_BYTES = 256 * 1024;

/** One event for one rule's target queue; `entry` is its index in the request. */
interface Delivery {
  readonly entry: number;
  readonly rule: RuleSpec;
  readonly body: string;
  readonly eventId: string;
}

/**
 * Creates the bus of a topology.
 * @throws EventPatternError when a rule's pattern uses an operator the local bus lacks
 */
export function createLocalEventBus(options: LocalEventBusOptions): LocalEventBus {
  const { bus, region, accountId } = options;
  for (const rule of bus.rules) validatePattern(rule.pattern, rule.id);
  const log = options.log ?? (() => {});
  const debug = options.debug ?? (() => {});
  const now = options.now ?? (() => new Date());
  const arn = `arn:aws:events:${region}:${accountId}:event-bus/${bus.name}`;

  const putEvents = async (
    input: Record<string, unknown>,
    caller: Caller = { accessKeyId: undefined },
  ): Promise<PutEventsOutput> => {
    const denied = options.authorize?.(caller);
    if (denied) throw new AwsServiceError('AccessDeniedException', denied);
    const entries = input.Entries;
    if (!Array.isArray(entries) || entries.length < 1 || entries.length > MAX_ENTRIES) {
      throw new AwsServiceError(
        'ValidationException',
        `1 validation error detected: Value at 'entries' failed to satisfy constraint: Member must have length between 1 and ${MAX_ENTRIES}`,
      );
    }
    if (requestSize(entries) > MAX_REQUEST_SIZE) {
      throw new AwsServiceError('ValidationException', 'Total size of the entries in the request is over the limit.');
    }
    // Every entry is checked and routed first, then the deliveries of the whole request go
    // out together, grouped by target queue: one SendMessageBatch per queue and up to ten
    // events, not one SendMessage per event and rule (each a full SDK round trip on the
    // runtime's one thread). Each delivery that fails is retried alone, then dead-lettered.
    const results: PutEventsResultEntry[] = [];
    const deliveries: Delivery[] = [];
    for (const [index, entry] of entries.entries()) {
      const parsed = parseEntry(entry, bus.name, now);
      if ('ErrorCode' in parsed) {
        log(`PutEvents entry refused: ${parsed.ErrorCode} ${parsed.ErrorMessage}`);
        results.push(parsed);
        continue;
      }
      const envelope: EventEnvelope = { version: '0', id: randomUUID(), account: accountId, region, ...parsed };
      const matched = bus.rules.filter((rule) => matchesPattern(rule.pattern, envelope));
      // An event that no rule wants (a case change with nobody to tell) is normal: a debug line.
      debug(
        `event "${envelope['detail-type']}" from ${envelope.source} -> ${matched.length ? matched.map((r) => r.id).join(', ') : 'no matching rule'}`,
      );
      options.observe?.(envelope);
      results.push({ EventId: envelope.id });
      if (matched.length === 0) continue;
      const body = JSON.stringify(envelope);
      for (const rule of matched) deliveries.push({ entry: index, rule, body, eventId: envelope.id });
    }
    for (const [index, { eventId, error }] of await deliverAll(deliveries)) {
      // Locally delivery happens before the answer, so a delivery that reached neither the
      // queue nor the DLQ fails the entry and the publisher resends it.
      log(`delivery of event ${eventId} failed: ${(error as Error).message}`);
      results[index] = { ErrorCode: 'InternalFailure', ErrorMessage: 'Internal Service Failure' };
    }
    return { FailedEntryCount: results.filter((r) => 'ErrorCode' in r).length, Entries: results };
  };

  const deliverBatch =
    options.deliverBatch ??
    (async (queueId: string, bodies: readonly string[]) => {
      const errors: unknown[] = [];
      for (const body of bodies)
        errors.push(
          await options.deliver(queueId, body).then(
            () => undefined,
            (e) => e,
          ),
        );
      return errors;
    });

  /**
   * Sends the deliveries in batches per target queue; a delivery its batch did not deliver
   * is retried alone and then dead-lettered (deliverOrDeadLetter). Resolves to the entries
   * with a delivery that reached neither its queue nor the DLQ, by entry index.
   */
  const deliverAll = async (
    deliveries: readonly Delivery[],
  ): Promise<Map<number, { readonly eventId: string; readonly error: unknown }>> => {
    const undelivered = new Map<number, { readonly eventId: string; readonly error: unknown }>();
    await Promise.all(
      batchesByQueue(deliveries).map(async (batch) => {
        const queueId = batch[0]?.rule.targetQueue as string;
        let errors: readonly unknown[];
        try {
          errors = await deliverBatch(
            queueId,
            batch.map((d) => d.body),
          );
        } catch (error) {
          errors = batch.map(() => error);
        }
        await Promise.all(
          batch.map(async (delivery, i) => {
            const error = errors[i];
            if (error === undefined) return;
            try {
              await deliverOrDeadLetter(delivery.rule, delivery.body, delivery.eventId, error);
            } catch (lastError) {
              undelivered.set(delivery.entry, { eventId: delivery.eventId, error: lastError });
            }
          }),
        );
      }),
    );
    return undelivered;
  };

  const failed = new Map<string, number>();
  /** The retries of a delivery whose first attempt (in its batch) failed with `firstError`, then the rule's DLQ. */
  const deliverOrDeadLetter = async (
    rule: RuleSpec,
    body: string,
    eventId: string,
    firstError: unknown,
  ): Promise<void> => {
    let lastError: unknown = firstError;
    const attempts = 1 + Math.min(rule.retry.retryAttempts, LOCAL_DELIVERY_RETRIES);
    for (let attempt = 2; attempt <= attempts; attempt++) {
      try {
        await options.deliver(rule.targetQueue, body);
        return;
      } catch (error) {
        lastError = error;
      }
    }
    if (!options.deadLetter) throw lastError;
    const error = lastError as Error;
    failed.set(rule.id, (failed.get(rule.id) ?? 0) + 1);
    await options.deadLetter(rule, body, {
      RULE_ARN: `arn:aws:events:${region}:${accountId}:rule/${bus.name}/${rule.name}`,
      ERROR_CODE: 'SQSError',
      ERROR_MESSAGE: `${error?.name ?? 'Error'}: ${error?.message ?? String(lastError)}`,
    });
    log(
      `rule ${rule.id} could not deliver event ${eventId} after ${attempts} attempt(s) (${error?.message ?? String(lastError)}); it is in the rule's DLQ ${rule.deadLetterQueue}`,
    );
  };

  return { arn, putEvents, failedInvocations: () => Object.fromEntries(failed) };
}

/**
 * The deliveries grouped by target queue, in request order, in batches of at most
 * {@link MAX_BATCH_ENTRIES} envelopes and {@link MAX_BATCH_BYTES}.
 */
function batchesByQueue(deliveries: readonly Delivery[]): Delivery[][] {
  const open = new Map<string, { batch: Delivery[]; bytes: number }>();
  const batches: Delivery[][] = [];
  for (const delivery of deliveries) {
    const bytes = Buffer.byteLength(delivery.body);
    let current = open.get(delivery.rule.targetQueue);
    if (!current || current.batch.length >= MAX_BATCH_ENTRIES || current.bytes + bytes > MAX_BATCH_BYTES) {
      current = { batch: [], bytes: 0 };
      open.set(delivery.rule.targetQueue, current);
      batches.push(current.batch);
    }
    current.batch.push(delivery);
    current.bytes += bytes;
  }
  return batches;
}

type ParsedEntry = Pick<EventEnvelope, 'detail-type' | 'source' | 'time' | 'resources' | 'detail'>;

function parseEntry(
  entry: unknown,
  busName: string,
  now: () => Date,
): ParsedEntry | { ErrorCode: string; ErrorMessage: string } {
  const invalid = (parameter: string, reason: string) => ({
    ErrorCode: 'InvalidArgument',
    ErrorMessage: `Parameter ${parameter} is not valid. Reason: ${reason}`,
  });
  if (typeof entry !== 'object' || entry === null) return invalid('Entry', 'an entry is an object.');
  const e = entry as Record<string, unknown>;
  const requestedBus = typeof e.EventBusName === 'string' && e.EventBusName ? e.EventBusName : 'default';
  const requestedName = requestedBus.startsWith('arn:')
    ? requestedBus.slice(requestedBus.indexOf('event-bus/') + 'event-bus/'.length)
    : requestedBus;
  if (requestedName !== busName) {
    return invalid('EventBusName', `Event bus ${requestedBus} does not exist; the topology's bus is ${busName}.`);
  }
  if (typeof e.Source !== 'string' || e.Source.length === 0) return invalid('Source', 'Source is a required argument.');
  if (e.Source.startsWith('aws.')) {
    return { ErrorCode: 'NotAuthorizedForSourceException', ErrorMessage: `Not authorized for the source ${e.Source}.` };
  }
  if (typeof e.DetailType !== 'string' || e.DetailType.length === 0)
    return invalid('DetailType', 'DetailType is a required argument.');
  if (typeof e.Detail !== 'string' || e.Detail.length === 0) return invalid('Detail', 'Detail is a required argument.');
  let detail: unknown;
  try {
    detail = JSON.parse(e.Detail);
  } catch {
    return { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' };
  }
  if (typeof detail !== 'object' || detail === null || Array.isArray(detail)) {
    return { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' };
  }
  const resources = e.Resources ?? [];
  if (!Array.isArray(resources) || !resources.every((r) => typeof r === 'string')) {
    return invalid('Resources', 'Resources is a list of ARNs.');
  }
  // The SDK sends Time as epoch seconds.
  const time =
    typeof e.Time === 'number' ? new Date(e.Time * 1000) : typeof e.Time === 'string' ? new Date(e.Time) : now();
  if (Number.isNaN(time.getTime())) return invalid('Time', 'Time is not a timestamp.');
  return {
    'detail-type': e.DetailType,
    source: e.Source,
    time: time.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    resources,
    detail: detail as Record<string, unknown>,
  };
}

/** Entry size as EventBridge counts it: Time 14 bytes, then the UTF-8 bytes of the text fields. */
function requestSize(entries: readonly unknown[]): number {
  let size = 0;
  for (const entry of entries) {
    const e = (entry ?? {}) as Record<string, unknown>;
    if (e.Time !== undefined) size += 14;
    for (const field of [e.Source, e.DetailType, e.Detail])
      if (typeof field === 'string') size += Buffer.byteLength(field);
    if (Array.isArray(e.Resources))
      for (const r of e.Resources) if (typeof r === 'string') size += Buffer.byteLength(r);
  }
  return size;
}
