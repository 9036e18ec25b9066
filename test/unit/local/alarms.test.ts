import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startLocalAlarms, type LocalMetricSources } from '../../../infra/local/alarms.ts';
import { buildTopology } from '../../../infra/topology.ts';
import { demoConfig } from '../../factories/config.ts';

const ALERTS = buildTopology(demoConfig()).alerts;
const NOW = new Date('2026-12-03T09:00:00.000Z');

/** Metric sources with settable values: counters since start, gauges as they are now. */
function metricsFactory() {
  const values = {
    deadLetterDepth: {} as Record<string, number>,
    oldestMessageAge: {} as Record<string, number>,
    functionErrors: {} as Record<string, number>,
    functionThrottles: {} as Record<string, number>,
    ruleFailedInvocations: {} as Record<string, number>,
    api5xx: 0,
    url5xx: {} as Record<string, number>,
  };
  const sources: LocalMetricSources = {
    deadLetterDepth: async (id) => values.deadLetterDepth[id] ?? 0,
    oldestMessageAge: (id) => values.oldestMessageAge[id] ?? 0,
    functionErrors: (id) => values.functionErrors[id] ?? 0,
    functionThrottles: (id) => values.functionThrottles[id] ?? 0,
    ruleFailedInvocations: (id) => values.ruleFailedInvocations[id] ?? 0,
    api5xx: () => values.api5xx,
    url5xx: (id) => values.url5xx[id] ?? 0,
  };
  return { values, sources };
}

let outboxDir: string;
beforeEach(async () => {
  outboxDir = await mkdtemp(path.join(os.tmpdir(), 'alarms-test-'));
});
afterEach(async () => {
  await rm(outboxDir, { recursive: true, force: true });
});

function alarmsFactory(sources: LocalMetricSources, published: unknown[] = [], log: string[] = []) {
  return startLocalAlarms({
    alerts: ALERTS,
    metrics: sources,
    outboxDir,
    region: 'eu-central-1',
    accountId: '000000000000',
    intervalSeconds: 0,
    now: () => NOW,
    log: (line) => log.push(line),
    publish: async (event) => void published.push(event),
  });
}

describe('startLocalAlarms', () => {
  it('starts every alarm of the topology in OK and reports no change while nothing fails', async () => {
    // Arrange
    const alarms = alarmsFactory(metricsFactory().sources);

    // Act
    const transitions = await alarms.evaluate();

    // Assess
    expect(transitions).toEqual([]);
    expect(Object.keys(alarms.states()).sort()).toEqual(ALERTS.alarms.map((a) => a.name).sort());
    expect(new Set(Object.values(alarms.states()))).toEqual(new Set(['OK']));
  });

  it.each([
    [
      'API 5xx',
      'bc-demo-api-5xx',
      (v: ReturnType<typeof metricsFactory>['values']) => {
        v.api5xx = 1;
      },
    ],
    [
      'function throttles',
      'bc-demo-classify-mention-throttles',
      (v: ReturnType<typeof metricsFactory>['values']) => {
        v.functionThrottles['classify-mention'] = 2;
      },
    ],
    [
      'function errors',
      'bc-demo-handle-department-errors',
      (v: ReturnType<typeof metricsFactory>['values']) => {
        v.functionErrors['handle-department'] = 1;
      },
    ],
    [
      'failed rule deliveries',
      'bc-demo-notify-legal-failed-invocations',
      (v: ReturnType<typeof metricsFactory>['values']) => {
        v.ruleFailedInvocations['notify-legal'] = 1;
      },
    ],
    [
      'the oldest message age',
      'bc-demo-dept-press-oldest-age',
      (v: ReturnType<typeof metricsFactory>['values']) => {
        v.oldestMessageAge['dept-press'] = 600;
      },
    ],
    [
      'an on-failure queue',
      'bc-demo-build-report-failures-depth',
      (v: ReturnType<typeof metricsFactory>['values']) => {
        v.deadLetterDepth['build-report-failures'] = 1;
      },
    ],
  ])("fires the alarm on %s under the stack's name", async (_what, name, fail) => {
    // Arrange
    const { values, sources } = metricsFactory();
    const alarms = alarmsFactory(sources);
    fail(values);

    // Act
    const transitions = await alarms.evaluate();

    // Assess
    expect(transitions.map((t) => [t.alert.alarmName, t.alert.previousState, t.alert.state])).toEqual([
      [name, 'OK', 'ALARM'],
    ]);
  });

  it('counts a counter per evaluation: the same total a second time recovers the alarm', async () => {
    // Arrange
    const { values, sources } = metricsFactory();
    const alarms = alarmsFactory(sources);
    values.api5xx = 3;
    await alarms.evaluate();

    // Act
    const second = await alarms.evaluate();

    // Assess
    expect(second.map((t) => [t.alert.alarmName, t.alert.state, t.value])).toEqual([['bc-demo-api-5xx', 'OK', 0]]);
  });

  it('writes each change to alerts.jsonl and the console, and publishes it as the SNS event of a CloudWatch alarm', async () => {
    // Arrange
    const { values, sources } = metricsFactory();
    const published: unknown[] = [];
    const log: string[] = [];
    const alarms = alarmsFactory(sources, published, log);
    values.deadLetterDepth['intake-dlq'] = 2;

    // Act
    await alarms.evaluate();

    // Assess
    const lines = (await readFile(path.join(outboxDir, 'alerts.jsonl'), 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as unknown);
    expect(lines).toEqual([
      {
        writtenAt: NOW.toISOString(),
        target: { type: 'topic', topicName: 'bc-demo-alerts', email: ALERTS.email },
        alert: expect.objectContaining({
          alarmName: 'bc-demo-intake-dlq-depth',
          state: 'ALARM',
          previousState: 'OK',
          at: NOW.toISOString(),
        }),
      },
    ]);
    expect(log).toEqual([
      expect.stringMatching(
        /^ALARM bc-demo-intake-dlq-depth: Threshold Crossed: 1 datapoint \[2\] was greater than or equal to the threshold \(1\)/,
      ),
    ]);
    expect(published).toEqual([
      {
        Records: [
          expect.objectContaining({
            EventSource: 'aws:sns',
            Sns: expect.objectContaining({
              TopicArn: 'arn:aws:sns:eu-central-1:000000000000:bc-demo-alerts',
              Message: expect.stringContaining('"AlarmName":"bc-demo-intake-dlq-depth"'),
            }),
          }),
        ],
      },
    ]);
  });
});
