import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { snsEventOf, type AlarmMessage } from '../../infra/local/alarms.ts';
import { runForwardAlarm } from '../../functions/forward-alarm/handler.ts';
import { registrySenders } from '../../shared/adapters/notify/senders.ts';
import { WebhookUrls } from '../../shared/adapters/notify/webhook-urls.ts';
import { AlertForwardingError } from '../../shared/domain/alarm-alert.ts';
import { ValidationError } from '../../shared/domain/errors.ts';
import { ReplayServer } from '../support/replay-server.ts';

/**
 * The alarm forwarder against a local recording server on port 0 standing in for Slack and
 * Teams: what they receive for a CloudWatch alarm notification, and what a refusing target
 * does to the invocation.
 */

const SLACK_PATH = '/services/T0DEMO/B0DEMO/alertsWebhookPath';
const TEAMS_PATH = '/workflows/ops/triggers/manual/paths/invoke';
const server = new ReplayServer();
const TARGETS = [
  { type: 'slack', channel: '#backchannel-betrieb' },
  { type: 'teams', secretName: 'backchannel/demo/teams-ops' },
] as const;

function sender(base: string) {
  const secrets: Record<string, unknown> = {
    'backchannel/demo/slack': { channels: { '#backchannel-betrieb': `${base}${SLACK_PATH}` } },
    'backchannel/demo/teams-ops': `${base}${TEAMS_PATH}`,
  };
  const noWait = { sleep: async () => undefined, random: () => 0.5, maxAttempts: 2 };
  return registrySenders({
    companyId: 'demo',
    companyName: 'Radwerk Hansen',
    urls: new WebhookUrls({ secretFor: async (name: string) => secrets[name] }),
    mail: { send: async () => expect.fail('alerts are not e-mailed by the forwarder') },
    http: noWait,
  }).alerts;
}

function alarmEvent(overrides: Partial<AlarmMessage> = {}) {
  const message: AlarmMessage = {
    AlarmName: 'bc-demo-intake-dlq-depth',
    AlarmDescription: 'bc-demo-intake-dlq holds messages of bc-demo-intake that failed 5 times',
    AWSAccountId: '123456789012',
    NewStateValue: 'ALARM',
    NewStateReason:
      'Threshold Crossed: 1 datapoint [2.0 (03/12/26 09:00:00)] was greater than or equal to the threshold (1.0).',
    StateChangeTime: '2026-12-03T09:01:12.345+0000',
    Region: 'EU (Frankfurt)',
    OldStateValue: 'OK',
    ...overrides,
  };
  return snsEventOf(
    'arn:aws:sns:eu-central-1:123456789012:bc-demo-alerts',
    'ALARM',
    JSON.stringify(message),
    '2026-12-03T09:01:12.400Z',
  );
}

beforeAll(async () => {
  await server.start();
});
afterAll(async () => {
  await server.stop();
});
beforeEach(() => server.reset());

describe('forward-alarm', () => {
  it('posts the alarm to the Slack and the Teams target, naming the alarm, its state and the reason', async () => {
    // Arrange
    server.on(() => true, { status: 200 });

    // Act
    const result = await runForwardAlarm(alarmEvent(), { targets: TARGETS, sender: sender(server.url) });

    // Assess
    expect(result).toEqual({ forwarded: 2 });
    expect(server.requests.map((r) => r.path)).toEqual([SLACK_PATH, TEAMS_PATH]);
    const slack = JSON.parse(server.requests[0]?.body ?? '{}') as { text: string };
    expect(slack.text).toBe(
      '*ALARM: bc-demo-intake-dlq-depth (Radwerk Hansen)*\nbc-demo-intake-dlq holds messages of bc-demo-intake that failed 5 times\n' +
        'OK -&gt; ALARM at 2026-12-03T09:01:12.345+0000: Threshold Crossed: 1 datapoint [2.0 (03/12/26 09:00:00)] was greater than or equal to the threshold (1.0).',
    );
    const teams = JSON.stringify(JSON.parse(server.requests[1]?.body ?? '{}'));
    expect(teams).toContain('"type":"AdaptiveCard"');
    expect(teams).toContain('ALARM: bc-demo-intake-dlq-depth (Radwerk Hansen)');
  });

  it('tells of the recovery as Recovered', async () => {
    // Arrange
    server.on(() => true, { status: 200 });

    // Act
    await runForwardAlarm(alarmEvent({ NewStateValue: 'OK', OldStateValue: 'ALARM' }), {
      targets: [TARGETS[0]],
      sender: sender(server.url),
    });

    // Assess
    expect((JSON.parse(server.requests[0]?.body ?? '{}') as { text: string }).text).toMatch(
      /^\*Recovered: bc-demo-intake-dlq-depth \(Radwerk Hansen\)\*/,
    );
  });

  it('still reaches the other target when one refuses, then fails naming the refusing one (so Lambda retries)', async () => {
    // Arrange
    server.on((r) => r.path === SLACK_PATH, { status: 404 });
    server.on((r) => r.path === TEAMS_PATH, { status: 200 });

    // Act
    const run = runForwardAlarm(alarmEvent(), { targets: TARGETS, sender: sender(server.url) });

    // Assess
    await expect(run).rejects.toBeInstanceOf(AlertForwardingError);
    await expect(run).rejects.toThrow(/the alert did not reach 1 chat target\(s\): slack #backchannel-betrieb/);
    expect(server.requests.filter((r) => r.path === TEAMS_PATH)).toHaveLength(1);
  });

  it('refuses an SNS message that is not a CloudWatch alarm notification, sending nothing', async () => {
    // Arrange
    const event = snsEventOf(
      'arn:aws:sns:eu-central-1:123456789012:bc-demo-alerts',
      'x',
      '{"hello":"world"}',
      '2026-12-03T09:01:12.400Z',
    );

    // Act
    const run = runForwardAlarm(event, { targets: TARGETS, sender: sender(server.url) });

    // Assess
    await expect(run).rejects.toBeInstanceOf(ValidationError);
    await expect(run).rejects.toThrow(/is not a CloudWatch alarm notification/);
    expect(server.requests).toEqual([]);
  });
});
