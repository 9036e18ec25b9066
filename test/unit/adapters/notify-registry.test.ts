import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { chatSecretSpec, notificationTopology } from '../../../infra/notifications.ts';
import { createAlertSender, OutboxAlertSender } from '../../../shared/adapters/notify/alert-senders.ts';
import { NotifierConfigError } from '../../../shared/adapters/notify/errors.ts';
import { checkRegistry, TARGET_TYPES, targetTypeOf } from '../../../shared/adapters/notify/registry.ts';
import { slack } from '../../../shared/adapters/notify/slack.ts';
import { chatTarget } from '../../../shared/adapters/notify/target-type.ts';
import { teams } from '../../../shared/adapters/notify/teams.ts';
import { CompanyConfigSchema } from '../../../shared/config/schema.ts';
import { targetKey as notificationTargetKey, targetLabel } from '../../../shared/domain/notification.ts';
import { targetKey as reportTargetKey } from '../../../shared/domain/reports/run-reports.ts';
import { demoConfig } from '../../factories/config.ts';

/** A chat type as a contributor would add one, with the given secret platform. */
function chatType(type: string, platform: `notify-${string}`) {
  return chatTarget({
    type,
    schema: z.strictObject({ type: z.literal(type), secretName: z.string() }),
    secret: { platform, description: `${type} webhook URL`, nameOf: (_c, t) => t.secretName },
    render: { notification: () => ({}), report: () => ({}), alert: () => ({}) },
  });
}

describe('the notifier registry', () => {
  it('refuses a type registered twice', () => {
    // Act
    const check = () => checkRegistry([slack, teams, chatType('slack', 'notify-slack-2')]);

    // Assess
    expect(check).toThrow('notifier slack is registered twice');
  });

  it("refuses a type whose schema's type literal names another type", () => {
    // Arrange
    const misnamed = { ...chatType('webex', 'notify-webex'), schema: z.strictObject({ type: z.literal('teams') }) };

    // Act
    const check = () => checkRegistry([slack, teams, misnamed]);

    // Assess
    expect(check).toThrow(`notifier webex: its schema's "type" must be z.literal('webex')`);
  });

  it("refuses a type that would read another type's secret platform", () => {
    // Act
    const check = () => checkRegistry([slack, teams, chatType('webex', 'notify-teams')]);

    // Assess
    expect(check).toThrow('notifier webex: secret platform notify-teams belongs to another type');
  });

  it('gives every chat type its own secret platform, named after it', () => {
    // Act
    const platforms = TARGET_TYPES.flatMap((t) => (t.secret ? [[t.type, t.secret.platform]] : []));

    // Assess
    expect(platforms).toEqual(
      expect.arrayContaining([
        ['slack', 'notify-slack'],
        ['teams', 'notify-teams'],
      ]),
    );
    for (const [type, platform] of platforms) expect(platform).toBe(`notify-${type}`);
  });

  it('names an unregistered type instead of taking it for another', () => {
    // Act
    const lookup = () => targetTypeOf({ type: 'pigeon' });

    // Assess
    expect(lookup).toThrow(new NotifierConfigError('no notifier for pigeon targets: it is not a registered type'));
  });
});

describe('the config and the topology derived from the registry', () => {
  it('accepts a target of each registered type and refuses any other type', () => {
    // Arrange
    const config = demoConfig();
    const withNotify = (notify: unknown[]) => ({
      ...config,
      departments: config.departments.map((d, i) => (i === 0 ? { ...d, notify } : d)),
    });

    // Act
    const registered = CompanyConfigSchema.safeParse(
      withNotify([
        { type: 'slack', channel: '#presse' },
        { type: 'teams', secretName: 'backchannel/demo/teams-press' },
        { type: 'email', to: ['presse@radwerk-hansen.example'] },
      ]),
    );
    const unknown = CompanyConfigSchema.safeParse(
      withNotify([{ type: 'pigeon', secretName: 'backchannel/demo/pigeon' }]),
    );

    // Assess
    expect(registered.success).toBe(true);
    expect(unknown.success).toBe(false);
    expect(unknown.error?.issues[0]?.path).toEqual(['departments', 0, 'notify', 0, 'type']);
  });

  it("takes each chat target's secret platform and description from its own type", () => {
    // Act
    const specs = [
      chatSecretSpec('demo', { type: 'slack', channel: '#presse' }),
      chatSecretSpec('demo', { type: 'teams', secretName: 'backchannel/demo/slack' }),
    ];

    // Assess
    expect(specs.map((s) => [s.name, s.platform, s.description])).toEqual([
      ['backchannel/demo/slack', 'notify-slack', slack.secret.description],
      ['backchannel/demo/slack', 'notify-teams', teams.secret.description],
    ]);
  });

  it('gives e-mail targets the right to send e-mail and no webhook secret', () => {
    // Arrange
    const config = demoConfig();
    const emailOnly = {
      ...config,
      departments: config.departments.map((d) => ({
        ...d,
        notify: [{ type: 'email' as const, to: ['a@radwerk-hansen.example'] }],
      })),
      reports: { ...config.reports, management: [] },
    };

    // Act
    const topology = notificationTopology(emailOnly);

    // Assess
    expect(topology.secrets).toEqual([]);
    expect(topology.grants).toEqual([{ resource: 'email', access: 'send' }]);
    expect(() => chatSecretSpec('demo', { type: 'email', to: ['a@radwerk-hansen.example'] })).toThrow(
      'email targets have no webhook secret',
    );
  });
});

describe('targets named by the domain without knowing their type', () => {
  const targets = [
    { type: 'slack', channel: '#presse', secretName: 'backchannel/demo/slack-press' },
    { type: 'teams', secretName: 'backchannel/demo/teams-service' },
    { type: 'email', to: ['Presse@Radwerk-Hansen.example', 'ceo@radwerk-hansen.example'] },
  ];

  it('keeps the delivery keys that sent-markers were written with before the registry', () => {
    // Act
    const keys = targets.map((t) => notificationTargetKey('press', t));

    // Assess
    expect(keys).toEqual([
      'press/slack:#presse',
      'press/teams:backchannel/demo/teams-service',
      'press/email:ceo@radwerk-hansen.example,presse@radwerk-hansen.example',
    ]);
  });

  it('keys reports by type and destination and labels targets without a secret value', () => {
    // Act
    const keys = targets.map(reportTargetKey);
    const labels = targets.map(targetLabel);

    // Assess
    expect(keys).toEqual([
      'slack:#presse',
      'teams:backchannel/demo/teams-service',
      'email:ceo@radwerk-hansen.example,presse@radwerk-hansen.example',
    ]);
    expect(labels[0]).toBe('slack #presse');
  });
});

describe('createAlertSender', () => {
  const alert = {
    alarmName: 'bc-demo-intake-dlq-depth',
    state: 'ALARM',
    previousState: 'OK',
    reason: 'r',
    at: 'now',
  } as const;

  it('writes to the outbox under npm start', () => {
    // Act
    const sender = createAlertSender({ NOTIFY_OUTBOX_DIR: '/tmp/outbox' }, demoConfig());

    // Assess
    expect(sender).toBeInstanceOf(OutboxAlertSender);
  });

  it('refuses to send an alert to a type that carries none, before reading any secret', async () => {
    // Arrange
    const sender = createAlertSender({ AWS_REGION: 'eu-central-1' }, demoConfig());

    // Act
    const run = sender.send(alert, { type: 'email', to: ['ops@radwerk-hansen.example'] });

    // Assess
    await expect(run).rejects.toThrow(new NotifierConfigError('email targets carry no alerts'));
  });
});
