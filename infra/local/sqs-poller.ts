import { DeleteMessageBatchCommand, ReceiveMessageCommand, type Message, type SQSClient } from '@aws-sdk/client-sqs';
import type { SQSEvent } from 'aws-lambda';
import type { InvocationSlots } from './invocation-slots.ts';
import { batchOutcome, toSqsEvent } from './sqs-event.ts';

/**
 * The local SQS event source mapping of one trigger: receives batches, invokes the
 * function, deletes what succeeded. Failed messages stay on the queue and come back after
 * its visibility timeout; the queue's redrive policy moves them to the DLQ.
 *
 * It short-polls with a growing pause when the queue is empty: local-aws-sqs holds a long
 * poll open for its whole wait even when messages are waiting, which would add seconds to
 * every hop. It never calls ChangeMessageVisibility, which local-aws-sqs counts as a receive.
 *
 * Like Lambda's pollers it keeps receiving while batches are being processed, up to the
 * trigger's maximum concurrency: a queue with a backlog is worked on by that many
 * invocations at once, not one batch after the other.
 *
 * A batch size above 10 (SQS returns at most 10 messages per receive) is gathered as Lambda
 * gathers it: after a first receive that brought messages, further receives join the batch
 * until it is full, its batching window (counted from that first receive) has passed, or its
 * bodies reach {@link GATHER_PAYLOAD_BYTES}. Up to 10 the batch is what one receive returns, as
 * before: locally the window then adds no wait. A message received again while its batch
 * gathers (its visibility timeout ran out first) is held once, by its newest receive.
 */

/** SQS returns at most this many messages per ReceiveMessage. */
const RECEIVE_MAX = 10;
/**
 * A gathered batch stops growing when its bodies reach this: the next receive adds at most
 * 10 messages of 256 KB, which keeps the event within Lambda's 6 MB invocation payload.
 */
export const GATHER_PAYLOAD_BYTES = 3 * 1024 * 1024;

export interface SqsPollerOptions {
  readonly sqs: SQSClient;
  readonly queueUrl: string;
  readonly queueArn: string;
  readonly queueName: string;
  readonly region: string;
  readonly batchSize: number;
  /**
   * The trigger's maximum batching window: how long a batch above 10 messages keeps
   * gathering after its first receive. Default 0 (a batch is one receive).
   */
  readonly maxBatchingWindowMs?: number;
  /** Most batches processed at once (the trigger's maxConcurrency). Default 1. */
  readonly maxConcurrency?: number;
  /** The runtime's slots shared by every poller: each batch takes one. Absent: no bound but maxConcurrency. */
  readonly slots?: InvocationSlots;
  /** The queue's maxReceiveCount, only to say in the log when a message is about to move to the DLQ. */
  readonly maxReceiveCount?: number;
  readonly functionName: string;
  readonly invoke: (event: SQSEvent) => Promise<unknown>;
  readonly log?: (line: string) => void;
  /**
   * Pause after an empty receive, doubling from min to max (default 20 to 250 ms). A runtime
   * that calls {@link SqsPoller.wake} when its queue is sent a message can pause longer: the
   * pause then only bounds how late a message that became visible again is seen.
   */
  readonly idleDelayMs?: { readonly min: number; readonly max: number };
  /**
   * After a receive that brought fewer messages than it asked for, pause as after an empty
   * one (a wake ends it) instead of asking again at once: local-aws-sqs answers every visible
   * message up to the maximum, so such a receive left the queue empty, and the next one would
   * come back empty (0.72 empty receives per mention in a 2,000-mention run, Round w22). Only
   * for a poller that {@link SqsPoller.wake} is called on for every send to its queue, as
   * the runtime's are. Default false.
   */
  readonly pauseWhenDrained?: boolean;
  /**
   * Told when a batch is handed to the function (`sent`: its oldest SentTimestamp) and when it
   * is settled (deleted or left for a retry), with the counts of {@link SqsPoller.processed}:
   * what a poller in another thread reports to the runtime (pipeline-thread.ts).
   */
  readonly onBatch?: (phase: 'start' | 'end', sent: number, processed: { done: number; failed: number }) => void;
}

export interface SqsPoller {
  /** Whether a batch is being processed right now. */
  busy(): boolean;
  /** Batches being processed right now. */
  inFlight(): number;
  /** The most batches that were processed at once since start. */
  peakInFlight(): number;
  /**
   * The age in seconds of the oldest message received since the last call (its
   * SentTimestamp), or of the batch still being processed: what the poller sees of
   * ApproximateAgeOfOldestMessage, which local-aws-sqs does not serve. 0 when none.
   */
  takeOldestMessageAge(now?: number): number;
  /** Messages finished (deleted) and messages that failed (left for a retry or the DLQ) since start. */
  processed(): { readonly done: number; readonly failed: number };
  /**
   * Its queue was sent a message: ends the pause after an empty receive now (or makes the
   * next pause none when it is receiving), so the message is not left waiting for the pause.
   */
  wake(): void;
  /** Stops receiving; resolves once the batches in hand are finished. */
  stop(): Promise<void>;
}

export function startSqsPoller(options: SqsPollerOptions): SqsPoller {
  const log = options.log ?? (() => {});
  const { min, max } = options.idleDelayMs ?? { min: 20, max: 250 };
  const maxConcurrency = Math.max(1, options.maxConcurrency ?? 1);
  const windowMs = options.batchSize > RECEIVE_MAX ? (options.maxBatchingWindowMs ?? 0) : 0;
  let stopped = false;
  let done = 0;
  let failed = 0;
  let peak = 0;
  // Oldest SentTimestamp received since the last takeOldestMessageAge, and of each batch in hand.
  let oldestSeen: number | undefined;
  const inHand = new Map<Promise<void>, number>();
  let wake: (() => void) | undefined;
  // A wake that came while no pause was running: the next pause is skipped.
  let woken = false;

  /** Resolves to whether a wake (or stop) ended the pause before its time. */
  const sleep = (ms: number) =>
    new Promise<boolean>((resolve) => {
      // A stop while a receive was out (no pause to end then) ends the pause it would begin.
      if (woken || stopped) {
        woken = false;
        resolve(true);
        return;
      }
      const timer = setTimeout(() => {
        wake = undefined;
        resolve(false);
      }, ms);
      wake = () => {
        wake = undefined;
        clearTimeout(timer);
        resolve(true);
      };
    });

  const processBatch = async (messages: Message[]): Promise<void> => {
    const event = toSqsEvent(messages, { arn: options.queueArn, region: options.region });
    let result: { error: unknown } | { value: unknown };
    try {
      result = { value: await options.invoke(event) };
    } catch (error) {
      result = { error };
    }
    const outcome = batchOutcome(messages, result);
    if ('error' in result) {
      log(
        `${options.functionName} failed on ${messages.length} message(s) of ${options.queueName}: ${(result.error as Error)?.stack ?? String(result.error)}`,
      );
    } else if (outcome.batchFailure) {
      log(`${options.functionName}: ${outcome.batchFailure}; the whole batch of ${options.queueName} counts as failed`);
    }
    failed += outcome.failed.length;
    for (const message of outcome.failed) {
      const receives = Number(message.Attributes?.ApproximateReceiveCount ?? '1');
      const toDlq = options.maxReceiveCount !== undefined && receives >= options.maxReceiveCount;
      log(
        `message ${message.MessageId} of ${options.queueName} failed (receive ${receives}${options.maxReceiveCount ? `/${options.maxReceiveCount}` : ''}); ` +
          (toDlq ? 'it moves to the DLQ' : 'it returns after the visibility timeout'),
      );
    }
    await deleteMessages(outcome.done);
    done += outcome.done.length;
  };

  const deleteMessages = async (messages: readonly Message[]): Promise<void> => {
    for (let i = 0; i < messages.length; i += 10) {
      const chunk = messages.slice(i, i + 10);
      const response = await options.sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl: options.queueUrl,
          Entries: chunk.map((m, index) => ({ Id: String(index), ReceiptHandle: m.ReceiptHandle })),
        }),
      );
      for (const failure of response.Failed ?? []) {
        log(
          `could not delete a message of ${options.queueName}: ${failure.Code} ${failure.Message ?? ''}; it will be delivered again`,
        );
      }
    }
  };

  /** Whether the latest receive brought fewer messages than it asked for: the queue was left empty. */
  let drained = false;
  const receive = async (most: number): Promise<Message[]> => {
    const asked = Math.min(RECEIVE_MAX, most);
    const response = await options.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: options.queueUrl,
        MaxNumberOfMessages: asked,
        WaitTimeSeconds: 0,
        AttributeNames: ['All'],
        MessageSystemAttributeNames: ['All'],
        MessageAttributeNames: ['All'],
      }),
    );
    const messages = response.Messages ?? [];
    drained = messages.length < asked;
    return messages;
  };

  /**
   * Adds receives to a batch until it is full, the window since its first receive has passed
   * or its bodies reach GATHER_PAYLOAD_BYTES. Between empty receives it pauses (a send to the
   * queue wakes it) for at most the idle maximum and never past the window. A receive that
   * fails ends the gathering: the batch goes with what it has.
   */
  const gather = async (messages: Message[]): Promise<Message[]> => {
    const deadline = Date.now() + windowMs;
    let bytes = messages.reduce((sum, m) => sum + Buffer.byteLength(m.Body ?? ''), 0);
    while (!stopped && messages.length < options.batchSize && bytes < GATHER_PAYLOAD_BYTES) {
      const left = deadline - Date.now();
      if (left <= 0) break;
      let more: Message[];
      try {
        more = await receive(options.batchSize - messages.length);
      } catch (error) {
        log(`receiving from ${options.queueName} failed while gathering a batch: ${(error as Error).message}`);
        break;
      }
      if (more.length === 0) {
        await sleep(Math.min(max, left));
        continue;
      }
      for (const message of more) {
        // Back from its visibility timeout while the batch gathers (a timeout shorter than the
        // window): the newer receive replaces the one in hand, whose receipt handle is stale.
        const held = messages.findIndex((m) => m.MessageId === message.MessageId);
        if (held >= 0) {
          messages[held] = message;
          continue;
        }
        messages.push(message);
        bytes += Buffer.byteLength(message.Body ?? '');
      }
    }
    return messages;
  };

  const loop = async (): Promise<void> => {
    let delay = min;
    while (!stopped) {
      // A slot before the receive: messages are never held invisible while waiting for one.
      const release = (await options.slots?.acquire()) ?? (() => {});
      if (stopped) {
        release();
        break;
      }
      let messages: Message[];
      try {
        messages = await receive(options.batchSize);
      } catch (error) {
        release();
        if (stopped) break;
        log(`receiving from ${options.queueName} failed: ${(error as Error).message}`);
        await sleep(max);
        continue;
      }
      if (messages.length === 0) {
        release();
        // Woken: a message was just sent, so the next empty receive pauses briefly again.
        delay = (await sleep(delay)) ? min : Math.min(delay * 2, max);
        continue;
      }
      delay = min;
      if (windowMs > 0) messages = await gather(messages);
      const sent = Math.min(...messages.map((m) => Number(m.Attributes?.SentTimestamp ?? Date.now())));
      oldestSeen = Math.min(oldestSeen ?? sent, sent);
      options.onBatch?.('start', sent, { done, failed });
      const batch: Promise<void> = processBatch(messages)
        .catch((error: unknown) => {
          log(`poller of ${options.queueName} failed: ${(error as Error).stack ?? String(error)}`);
        })
        .finally(() => {
          inHand.delete(batch);
          release();
          options.onBatch?.('end', sent, { done, failed });
        });
      inHand.set(batch, sent);
      peak = Math.max(peak, inHand.size);
      // At the maximum concurrency the next receive waits for a batch to finish.
      if (inHand.size >= maxConcurrency) await Promise.race(inHand.keys());
      // The queue was left empty: the next receive waits for a send (a wake) or the pause.
      if (options.pauseWhenDrained && drained && !stopped) await sleep(delay);
    }
    await Promise.all(inHand.keys());
  };

  const running = loop();
  return {
    busy: () => inHand.size > 0,
    inFlight: () => inHand.size,
    peakInFlight: () => peak,
    takeOldestMessageAge: (now = Date.now()) => {
      const age = oldestMessageAge(oldestSeen, inHand.values(), now);
      oldestSeen = undefined;
      return age;
    },
    processed: () => ({ done, failed }),
    wake: () => {
      if (wake) wake();
      else woken = true;
    },
    stop: async () => {
      stopped = true;
      // A pause running now ends; one that would begin after a receive still out is skipped by `sleep`.
      wake?.();
      await running;
    },
  };
}

/**
 * Seconds since the oldest of `seen` (the oldest SentTimestamp received since the last
 * reading) and the batches still in hand; 0 when there is none.
 */
export function oldestMessageAge(seen: number | undefined, inHand: Iterable<number>, now: number): number {
  const oldest = Math.min(seen ?? Infinity, ...inHand);
  return Number.isFinite(oldest) ? Math.max(0, Math.floor((now - oldest) / 1000)) : 0;
}
