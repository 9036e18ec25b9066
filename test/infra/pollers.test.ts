import { Match } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTopology, type Topology } from '../../infra/topology.ts';
import { configWithPollers } from '../factories/pollers.ts';
import { hasProperties, logicalId, permissionsOf, synthCompany, type SynthesizedCompany } from './synth.ts';

// One synthesis with every poller enabled: the CDK app builds them from the topology alone.
let topology: Topology;
let synth: SynthesizedCompany;

beforeAll(() => {
  const config = configWithPollers();
  topology = buildTopology(config);
  synth = synthCompany(config);
});

afterAll(() => synth?.dispose());

const POLLERS = ['youtube', 'mastodon', 'bluesky'] as const;

describe('company stack with the pollers enabled', () => {
  it('has no unacknowledged cdk-nag or schema finding', () => {
    expect(
      synth.violations.map(
        (v) => `${v.pluginName} ${v.ruleName} ${v.violatingConstructs.map((c) => c.constructPath).join(', ')}`,
      ),
    ).toEqual([]);
  });

  it.each(POLLERS)('schedules poll-%s every 5 minutes in the company timezone with its payload', (platform) => {
    const fn = synth.stack.functions.get(`poll-${platform}`, 'test').function;

    const schedule = synth.stack.schedules.schedules.get(`poll-${platform}`);
    if (!schedule) throw new Error(`no schedule poll-${platform}`);

    hasProperties(synth, schedule, {
      ScheduleExpression: 'cron(0/5 * * * ? *)',
      ScheduleExpressionTimezone: 'Europe/Berlin',
      Target: Match.objectLike({
        Arn: { 'Fn::GetAtt': [logicalId(fn), 'Arn'] },
        Input: JSON.stringify({ poll: platform, scheduledTime: '<aws.scheduler.scheduled-time>' }),
      }),
    });
  });

  // YouTube's one secret also serves its WebSub webhook (hub secret beside the API key).
  it.each([
    ['youtube', ['ingest-webhook', 'poll-youtube']],
    ['mastodon', ['poll-mastodon']],
    ['bluesky', ['poll-bluesky']],
  ] as const)('creates the %s secret, read only by %j and the admin API', (platform, expectedReaders) => {
    const secret = synth.stack.secrets.get(platform, 'test').secret;
    const readers = topology.functions
      .filter((f) =>
        permissionsOf(synth.template, synth.stack.functions.get(f.id, 'test').role).some(
          (p) => p.resource === logicalId(secret),
        ),
      )
      .map((f) => f.id);

    synth.template.hasResource('AWS::SecretsManager::Secret', {
      Properties: Match.objectLike({ Name: `backchannel/demo/${platform}` }),
      DeletionPolicy: 'Retain',
    });
    // admin-api posts approved replies with the platform's tokens (POST /cases/{id}/replies/{replyId}/send).
    expect([...readers].sort()).toEqual([...expectedReaders, 'admin-api'].sort());
  });

  it('lets each poller send to the intake queue, write the table and read its secret, nothing more', () => {
    const queue = logicalId(synth.stack.queues.get('intake', 'test').queue);
    for (const platform of POLLERS) {
      const permissions = permissionsOf(synth.template, synth.stack.functions.get(`poll-${platform}`, 'test').role);
      const resources = new Set(permissions.map((p) => p.resource));

      expect(permissions).toContainEqual({ action: 'sqs:SendMessage', resource: queue });
      expect(permissions).toContainEqual({ action: 'dynamodb:PutItem', resource: logicalId(synth.stack.data.table) });
      expect(permissions).toContainEqual({
        action: 'secretsmanager:GetSecretValue',
        resource: logicalId(synth.stack.secrets.get(platform, 'test').secret),
      });
      expect(permissions.some((p) => p.action.startsWith('events:') || p.action === 'sqs:ReceiveMessage')).toBe(false);
      expect(
        [...resources].filter(
          (r) => r.includes('Secret') && r !== logicalId(synth.stack.secrets.get(platform, 'test').secret),
        ),
      ).toEqual([]);
    }
  });
});
