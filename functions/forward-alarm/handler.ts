import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { SNSEvent } from 'aws-lambda';
import { createAlertSender } from '../../shared/adapters/notify/alert-senders.ts';
import { parseCompanyConfigJson } from '../../shared/config/config-json.ts';
import { lambdaEnvironment, type FunctionEnv } from '../../shared/config/runtime-env.ts';
import {
  forwardAlarm,
  type AlarmAlert,
  type AlertChatTarget,
  type AlertSender,
} from '../../shared/domain/alarm-alert.ts';
import { ValidationError } from '../../shared/domain/errors.ts';
import * as z from '../../shared/domain/zod-mini.ts';
import { parseEventInput } from '../../shared/adapters/event-input.ts';
import { logger, metrics } from '../../shared/observability/powertools.ts';

/**
 * The alert topic's chat subscriber: turns each CloudWatch alarm notification into a short
 * Slack or Teams message for the config's `alerts.chat` targets. SNS invokes it
 * asynchronously; a failed delivery throws, Lambda retries, and the record of what still
 * failed lands in the function's on-failure queue.
 */

const State = z.enum(['OK', 'ALARM', 'INSUFFICIENT_DATA']);

/** What CloudWatch publishes on an alarm's state change (other fields are ignored). */
export const AlarmMessageSchema = z.object({
  AlarmName: z.string().check(z.minLength(1)),
  AlarmDescription: z.nullish(z.string()),
  NewStateValue: State,
  OldStateValue: State,
  NewStateReason: z.string(),
  StateChangeTime: z.string().check(z.minLength(1)),
});

const SnsEventSchema = z.object({
  Records: z.array(z.object({ Sns: z.object({ MessageId: z.string(), Message: z.string() }) })).check(z.minLength(1)),
});

export interface ForwardAlarmDeps {
  readonly targets: readonly AlertChatTarget[];
  readonly sender: AlertSender;
}

/**
 * Parses an SNS event of alarm notifications.
 * @throws ValidationError naming the SNS message that is not a CloudWatch alarm notification
 */
export function parseAlarmEvent(event: unknown): AlarmAlert[] {
  const sns = parseEventInput(SnsEventSchema, event, 'forward-alarm input is not an SNS event');
  return sns.Records.map(({ Sns }) => {
    let json: unknown;
    try {
      json = JSON.parse(Sns.Message);
    } catch {
      throw new ValidationError(`SNS message ${Sns.MessageId} is not JSON`);
    }
    const message = z.safeParse(AlarmMessageSchema, json);
    if (!message.success) {
      throw new ValidationError(
        `SNS message ${Sns.MessageId} is not a CloudWatch alarm notification`,
        message.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`),
      );
    }
    const m = message.data;
    return {
      alarmName: m.AlarmName,
      ...(m.AlarmDescription ? { description: m.AlarmDescription } : {}),
      state: m.NewStateValue,
      previousState: m.OldStateValue,
      reason: m.NewStateReason,
      at: m.StateChangeTime,
    };
  });
}

/**
 * Forwards every alarm of the event to every chat target.
 * @throws ValidationError for an event that is not alarm notifications (retrying cannot help: it goes to the on-failure queue)
 * @throws AlertForwardingError when a target did not receive an alert
 */
export async function runForwardAlarm(event: unknown, deps: ForwardAlarmDeps): Promise<{ forwarded: number }> {
  let forwarded = 0;
  for (const alert of parseAlarmEvent(event)) {
    try {
      forwarded += await forwardAlarm(alert, deps.targets, deps.sender);
    } catch (error) {
      metrics.addMetric('AlertsNotForwarded', MetricUnit.Count, 1);
      logger.error('Alarm not forwarded to every chat target', {
        alarmName: alert.alarmName,
        state: alert.state,
        error: error as Error,
      });
      throw error;
    }
    logger.info('Alarm forwarded', { alarmName: alert.alarmName, state: alert.state, targets: deps.targets.length });
  }
  metrics.addMetric('AlertsForwarded', MetricUnit.Count, forwarded);
  return { forwarded };
}

/** Chat through the webhooks in Secrets Manager; under `npm start` the outbox's alerts.jsonl. */
export function dependenciesFrom(env: FunctionEnv): ForwardAlarmDeps {
  const config = parseCompanyConfigJson(env.COMPANY_CONFIG);
  const sender = createAlertSender(env, config);
  return { targets: config.alerts.chat, sender };
}

export function createHandler(env: FunctionEnv) {
  let deps: ForwardAlarmDeps | undefined;
  return middy<SNSEvent, { forwarded: number }>()
    .use(injectLambdaContext(logger))
    .use(logMetrics(metrics))
    .handler(async (event) => {
      deps ??= dependenciesFrom(env);
      return runForwardAlarm(event, deps);
    });
}

export const handler = createHandler(lambdaEnvironment());
