import { describe, expect, it } from 'vitest';
import { compileSchedule } from '../../../infra/local/scheduler.ts';
import { pollerTopology } from '../../../infra/pollers.ts';
import { buildTopology } from '../../../infra/topology.ts';
import { CompanyConfigSchema } from '../../../shared/config/schema.ts';
import { demoConfig } from '../../factories/config.ts';
import { configWithPollers } from '../../factories/pollers.ts';

describe('poller topology', () => {
  it('adds no poller while the config enables none (the demo)', () => {
    // Act
    const topology = buildTopology(demoConfig());

    // Assess
    expect(topology.functions.filter((f) => f.id.startsWith('poll-'))).toEqual([]);
    expect(topology.schedules.filter((s) => s.targetFunction.startsWith('poll-'))).toEqual([]);
    expect(topology.schedules.map((s) => s.id)).toEqual(
      expect.arrayContaining(['daily-report', 'weekly-report', 'sla-sweep', 'spike-check', 'train-model']),
    );
  });

  it('adds a function, a 5-minute schedule in the company timezone and a secret per enabled poller', () => {
    // Act
    const topology = buildTopology(configWithPollers());

    // Assess
    for (const platform of ['youtube', 'mastodon', 'bluesky']) {
      const fn = topology.functions.find((f) => f.id === `poll-${platform}`);
      expect(fn).toMatchObject({
        entry: `functions/poll-${platform}/handler.ts`,
        triggers: [{ type: 'schedule', schedule: `poll-${platform}` }],
        environment: {
          POLLER_SECRET_NAME: { kind: 'secretName', secret: platform },
          POWERTOOLS_SERVICE_NAME: { kind: 'literal', value: `poll-${platform}` },
        },
      });
      expect(fn?.grants).toEqual([
        { resource: 'table', access: 'readWrite' },
        { resource: 'queue', queue: 'intake', access: 'send' },
        { resource: 'secret', secret: platform, access: 'read' },
      ]);
      expect(topology.schedules.find((s) => s.id === `poll-${platform}`)).toEqual({
        id: `poll-${platform}`,
        name: `bc-demo-poll-${platform}`,
        expression: 'cron(0/5 * * * ? *)',
        timezone: 'Europe/Berlin',
        targetFunction: `poll-${platform}`,
        payload: { poll: platform, scheduledTime: '<aws.scheduler.scheduled-time>' },
        deadLetterQueue: `schedule-poll-${platform}-dlq`,
        retry: { retryAttempts: 3, maxEventAgeSeconds: 3600 },
      });
      expect(fn?.asyncInvoke).toEqual({
        onFailure: `poll-${platform}-failures`,
        retry: { retryAttempts: 2, maxEventAgeSeconds: 3600 },
      });
      expect(topology.secrets.filter((s) => s.id === platform)).toEqual([
        expect.objectContaining({ name: `backchannel/demo/${platform}` }),
      ]);
    }
  });

  it('does not let ingest-webhook read a poller-only secret', () => {
    // Act
    const topology = buildTopology(configWithPollers());

    // Assess
    const ingest = topology.functions.find((f) => f.id === 'ingest-webhook');
    const secretsRead = ingest?.grants.flatMap((g) => (g.resource === 'secret' ? [g.secret] : []));
    expect(secretsRead).not.toContain('mastodon');
    expect(secretsRead).not.toContain('bluesky');
  });

  it('shares a platform secret the topology already has instead of adding a second one', () => {
    // Arrange
    const existing = { id: 'youtube', name: 'custom/youtube', platform: 'youtube', description: 'WebSub hub secret' };

    // Act
    const pollers = pollerTopology(configWithPollers(), { prefix: 'bc-demo', secrets: [existing] });

    // Assess
    expect(pollers.secrets.map((s) => s.id)).toEqual(['mastodon', 'bluesky']);
    expect(pollers.functions.find((f) => f.id === 'poll-youtube')?.environment.POLLER_SECRET_NAME).toEqual({
      kind: 'secretName',
      secret: 'youtube',
    });
  });

  it("fires the default poll schedule every 5 minutes on the local scheduler, in the company's timezone", () => {
    // Arrange
    const cron = compileSchedule('cron(0/5 * * * ? *)', 'Europe/Berlin');

    // Act
    const first = cron.nextFireTime(new Date('2025-11-28T11:02:30Z'));
    const second = first && cron.nextFireTime(first);

    // Assess
    expect(first?.toISOString()).toBe('2025-11-28T11:05:00.000Z');
    expect(second?.toISOString()).toBe('2025-11-28T11:10:00.000Z');
  });

  it('refuses a poll schedule that is not a cron expression with a clear config error', () => {
    // Act
    const parsed = CompanyConfigSchema.safeParse({
      ...demoConfig(),
      platforms: { mastodon: { instanceUrl: 'https://m.example', pollSchedule: 'rate(5 minutes)' } },
    });

    // Assess
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]).toMatchObject({
      path: ['platforms', 'mastodon', 'pollSchedule'],
      message: 'use a cron(...) expression',
    });
  });
});
