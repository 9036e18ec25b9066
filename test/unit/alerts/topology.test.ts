import { describe, expect, it } from 'vitest';
import { allDeadLetterQueues, buildTopology, type AlarmMetric } from '../../../infra/topology.ts';
import { demoConfig } from '../../factories/config.ts';

/** The failure path as the topology describes it once, for both backends. */

describe('failure path in the topology', () => {
  it('gives every bus rule a dead-letter queue that redrives into its target queue', () => {
    // Act
    const topology = buildTopology(demoConfig());

    // Assess
    const dlqs = allDeadLetterQueues(topology);
    for (const rule of topology.bus.rules) {
      expect(dlqs.find((q) => q.id === rule.deadLetterQueue)).toMatchObject({ redrivesTo: rule.targetQueue });
      expect(rule.retry.retryAttempts).toBeGreaterThan(0);
    }
  });

  it('gives every schedule its own dead-letter queue and every asynchronously invoked function an on-failure queue', () => {
    // Act
    const topology = buildTopology(demoConfig());

    // Assess
    const ids = new Set(allDeadLetterQueues(topology).map((q) => q.id));
    expect(topology.schedules.map((s) => [s.id, ids.has(s.deadLetterQueue)])).toEqual(
      topology.schedules.map((s) => [s.id, true]),
    );
    expect(new Set(topology.schedules.map((s) => s.deadLetterQueue)).size).toBe(topology.schedules.length);
    const asyncFunctions = topology.functions.filter((f) =>
      f.triggers.some((t) => t.type === 'schedule' || t.type === 'alerts'),
    );
    expect(asyncFunctions.map((f) => [f.id, f.asyncInvoke?.onFailure])).toEqual(
      asyncFunctions.map((f) => [f.id, `${f.id}-failures`]),
    );
    expect(topology.functions.filter((f) => f.asyncInvoke && !asyncFunctions.includes(f))).toEqual([]);
  });

  it("alarms on every dead-letter queue, every work queue's oldest message, every function's errors and throttles, every rule and the API", () => {
    // Act
    const topology = buildTopology(demoConfig());

    // Assess
    const metrics = topology.alerts.alarms.map((a) => a.metric);
    const expected: AlarmMetric[] = [
      ...allDeadLetterQueues(topology).map((q) => ({ kind: 'deadLetterDepth', deadLetterQueue: q.id }) as const),
      ...topology.queues.map((q) => ({ kind: 'oldestMessageAge', queue: q.id }) as const),
      ...topology.functions.flatMap((f) => [
        { kind: 'functionErrors', function: f.id } as const,
        { kind: 'functionThrottles', function: f.id } as const,
      ]),
      ...topology.bus.rules.map((r) => ({ kind: 'ruleFailedInvocations', rule: r.id }) as const),
      { kind: 'url5xx', function: 'ingest-webhook' },
      { kind: 'api5xx' },
    ];
    expect(metrics).toEqual(expect.arrayContaining(expected));
    expect(metrics).toHaveLength(expected.length);
  });

  it('names every alarm uniquely under the company prefix', () => {
    // Act
    const { alerts } = buildTopology(demoConfig());

    // Assess
    const names = alerts.alarms.map((a) => a.name);
    expect(new Set(names).size).toBe(names.length);
    for (const name of names) expect(name).toMatch(/^bc-demo-/);
    expect(new Set(alerts.alarms.map((a) => a.id)).size).toBe(alerts.alarms.length);
  });

  it("sends alarms to one topic with the config's e-mail subscribers, and to the forwarder for its chat targets", () => {
    // Act
    const topology = buildTopology(demoConfig());

    // Assess
    expect(topology.alerts).toMatchObject({
      topicName: 'bc-demo-alerts',
      email: ['it-betrieb@radwerk-hansen.example'],
      forwarder: 'forward-alarm',
    });
    expect(topology.functions.find((f) => f.id === 'forward-alarm')?.triggers).toEqual([{ type: 'alerts' }]);
  });

  it('has no forwarder, and no function subscribed to the topic, without chat targets', () => {
    // Act
    const topology = buildTopology({ ...demoConfig(), alerts: { email: [], chat: [] } });

    // Assess
    expect(topology.alerts.forwarder).toBeUndefined();
    expect(topology.functions.filter((f) => f.triggers.some((t) => t.type === 'alerts'))).toEqual([]);
  });

  it('adds a chat secret for a Teams alert target that no department uses, readable by the forwarder alone', () => {
    // Act
    const topology = buildTopology({
      ...demoConfig(),
      alerts: { email: [], chat: [{ type: 'teams', secretName: 'backchannel/demo/teams-ops' }] },
    });

    // Assess
    expect(topology.secrets.filter((s) => s.name === 'backchannel/demo/teams-ops')).toEqual([
      expect.objectContaining({ id: 'notify-backchannel-demo-teams-ops', platform: 'notify-teams' }),
    ]);
    const readers = topology.functions.filter((f) =>
      f.grants.some((g) => g.resource === 'secret' && g.secret === 'notify-backchannel-demo-teams-ops'),
    );
    expect(readers.map((f) => f.id)).toEqual(['forward-alarm']);
  });
});
