import { randomUUID } from 'node:crypto';
import { OutboxAlertSender } from '../../shared/adapters/notify/alert-senders.ts';
import type { AlarmAlert, AlarmState } from '../../shared/domain/alarm-alert.ts';
import type { AlarmMetric, AlarmSpec, AlertsSpec } from '../topology.ts';

/**
 * The topology's alarms on a laptop: every interval (and on `evaluate()`) each alarm's
 * metric is read from the local backends and compared with its threshold, as CloudWatch
 * does for one period. A change to ALARM, and back to OK, is written to the console and as
 * a JSON line to `<outbox>/alerts.jsonl` (what the topic's e-mail subscribers would get),
 * and handed to the topic's other subscribers (the alarm forwarder) as an SNS event.
 *
 * Counters (errors, throttles, failed rule deliveries, 5xx) count since start; an
 * evaluation looks at what was added since the previous one, so one evaluation interval
 * stands for the alarm's period. Missing data never breaches, as in the stack.
 */

/** Where the metrics come from: the local SQS, the invoke wrapper, the bus, the HTTP server. */
export interface LocalMetricSources {
  /** Messages visible in a dead-letter queue, by its id. */
  deadLetterDepth(deadLetterQueue: string): Promise<number>;
  /** Age in seconds of the oldest message of a work queue seen since the last read. */
  oldestMessageAge(queue: string): number;
  /** Failed invocations of a function since start (threw or timed out). */
  functionErrors(functionId: string): number;
  /** Throttled invocations of a function since start. */
  functionThrottles(functionId: string): number;
  /** Events a rule could not deliver since start. */
  ruleFailedInvocations(ruleId: string): number;
  /** 5xx answers of the HTTP API since start (its routes; not the function URLs'). */
  api5xx(): number;
  /** 5xx answers of a function's URL since start. */
  url5xx(functionId: string): number;
}

/** CloudWatch's SNS message of an alarm's state change (the fields the forwarder reads, and a few more). */
export interface AlarmMessage {
  readonly AlarmName: string;
  readonly AlarmDescription: string;
  readonly AWSAccountId: string;
  readonly NewStateValue: AlarmState;
  readonly NewStateReason: string;
  readonly StateChangeTime: string;
  readonly Region: string;
  readonly OldStateValue: AlarmState;
}

export interface AlarmTransition {
  readonly alarm: AlarmSpec;
  readonly alert: AlarmAlert;
  readonly value: number;
}

export interface LocalAlarmsOptions {
  readonly alerts: AlertsSpec;
  readonly metrics: LocalMetricSources;
  /** Where `alerts.jsonl` goes. */
  readonly outboxDir: string;
  readonly region: string;
  readonly accountId: string;
  /** Seconds between evaluations; 0 evaluates only on `evaluate()`. */
  readonly intervalSeconds: number;
  /** The topic's other subscribers: receives each transition as the SNS event AWS would deliver. */
  readonly publish?: (snsEvent: unknown) => Promise<void>;
  readonly log?: (line: string) => void;
  readonly now?: () => Date;
}

export interface LocalAlarms {
  /**
   * Evaluates every alarm once and notifies of each state change.
   * @returns the alarms that changed their state
   */
  evaluate(): Promise<AlarmTransition[]>;
  /** The current state of every alarm, by alarm name. */
  states(): Readonly<Record<string, AlarmState>>;
  /** Stops the timer and waits for a running evaluation. */
  stop(): Promise<void>;
}

export function startLocalAlarms(options: LocalAlarmsOptions): LocalAlarms {
  const log = options.log ?? (() => {});
  const now = options.now ?? (() => new Date());
  const outbox = new OutboxAlertSender({ dir: options.outboxDir, now });
  const topicArn = `arn:aws:sns:${options.region}:${options.accountId}:${options.alerts.topicName}`;
  const states = new Map<string, AlarmState>(options.alerts.alarms.map((a) => [a.name, 'OK']));
  // Counter values at the previous evaluation, by alarm id.
  const previous = new Map<string, number>();

  const read = async (alarm: AlarmSpec): Promise<number> => {
    const counted = (total: number) => {
      const delta = total - (previous.get(alarm.id) ?? 0);
      previous.set(alarm.id, total);
      return delta;
    };
    const metric: AlarmMetric = alarm.metric;
    switch (metric.kind) {
      case 'deadLetterDepth':
        return options.metrics.deadLetterDepth(metric.deadLetterQueue);
      case 'oldestMessageAge':
        return options.metrics.oldestMessageAge(metric.queue);
      case 'functionErrors':
        return counted(options.metrics.functionErrors(metric.function));
      case 'functionThrottles':
        return counted(options.metrics.functionThrottles(metric.function));
      case 'ruleFailedInvocations':
        return counted(options.metrics.ruleFailedInvocations(metric.rule));
      case 'api5xx':
        return counted(options.metrics.api5xx());
      case 'url5xx':
        return counted(options.metrics.url5xx(metric.function));
    }
  };

  const notify = async (transition: AlarmTransition): Promise<void> => {
    const { alert } = transition;
    log(
      `${alert.state === 'ALARM' ? 'ALARM' : 'OK'} ${alert.alarmName}: ${alert.reason} (${options.outboxDir}/alerts.jsonl)`,
    );
    await outbox.send(alert, { type: 'topic', topicName: options.alerts.topicName, email: options.alerts.email });
    if (!options.publish) return;
    const message: AlarmMessage = {
      AlarmName: alert.alarmName,
      AlarmDescription: alert.description ?? '',
      AWSAccountId: options.accountId,
      NewStateValue: alert.state,
      NewStateReason: alert.reason,
      StateChangeTime: alert.at,
      Region: options.region,
      OldStateValue: alert.previousState,
    };
    try {
      await options.publish(
        snsEventOf(topicArn, `${alert.state}: "${alert.alarmName}"`, JSON.stringify(message), alert.at),
      );
    } catch (error) {
      // The subscriber's own failure path (retries, on-failure queue) has it; the alert is in the outbox.
      log(`alert topic subscriber failed on ${alert.alarmName}: ${(error as Error).message}`);
    }
  };

  const evaluateOnce = async (): Promise<AlarmTransition[]> => {
    const transitions: AlarmTransition[] = [];
    for (const alarm of options.alerts.alarms) {
      const value = await read(alarm);
      const state: AlarmState = value >= alarm.threshold ? 'ALARM' : 'OK';
      const previousState = states.get(alarm.name) ?? 'OK';
      if (state === previousState) continue;
      states.set(alarm.name, state);
      const comparison = state === 'ALARM' ? 'greater than or equal to' : 'not greater than or equal to';
      transitions.push({
        alarm,
        value,
        alert: {
          alarmName: alarm.name,
          description: alarm.description,
          state,
          previousState,
          reason: `Threshold Crossed: 1 datapoint [${value}] was ${comparison} the threshold (${alarm.threshold}).`,
          at: now().toISOString(),
        },
      });
    }
    for (const transition of transitions) await notify(transition);
    return transitions;
  };

  // One evaluation at a time: the timer and a test's evaluate() must not read a counter twice.
  let running: Promise<AlarmTransition[]> = Promise.resolve([]);
  const evaluate = (): Promise<AlarmTransition[]> => {
    running = running.catch(() => []).then(evaluateOnce);
    return running;
  };

  let timer: NodeJS.Timeout | undefined;
  if (options.intervalSeconds > 0) {
    timer = setInterval(() => {
      evaluate().catch((error: unknown) =>
        log(`evaluating the alarms failed: ${(error as Error).stack ?? String(error)}`),
      );
    }, options.intervalSeconds * 1000);
    timer.unref();
  }

  return {
    evaluate,
    states: () => Object.fromEntries(states),
    stop: async () => {
      clearInterval(timer);
      await running.catch(() => undefined);
    },
  };
}

/** The event SNS invokes a subscribed function with. */
export function snsEventOf(topicArn: string, subject: string, message: string, timestamp: string) {
  return {
    Records: [
      {
        EventSource: 'aws:sns',
        EventVersion: '1.0',
        EventSubscriptionArn: `${topicArn}:${randomUUID()}`,
        Sns: {
          Type: 'Notification',
          MessageId: randomUUID(),
          TopicArn: topicArn,
          Subject: subject.slice(0, 100),
          Message: message,
          Timestamp: timestamp,
          SignatureVersion: '1',
          Signature: '',
          SigningCertUrl: '',
          UnsubscribeUrl: '',
          MessageAttributes: {},
        },
      },
    ],
  };
}
