import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { chatSecretSpec, notificationTopology } from '../../../infra/notifications.ts';
import { NotifierConfigError } from '../../../shared/adapters/notify/errors.ts';
import { checkRegistry, TARGET_TYPES, targetTypeOf } from '../../../shared/adapters/notify/registry.ts';
import { slack } from '../../../shared/adapters/notify/slack.ts';
import { chatTarget } from '../../../shared/adapters/notify/target-type.ts';
import { teams } from '../../../shared/adapters/notify/teams.ts';
import { CompanyConfigSchema } from '../../../shared/config/schema.ts';
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
