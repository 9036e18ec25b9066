import { describe, expect, it } from 'vitest';
import { resolveEnv } from '../../../infra/local/function-env.ts';
import { loadLocalSecrets } from '../../../infra/local/secrets.ts';
import { buildTopology, type FunctionSpec, type Topology } from '../../../infra/topology.ts';
import type { CompanyConfig } from '../../../shared/config/schema.ts';
import { demoConfig } from '../../factories/config.ts';

const handler = (topology: Topology): FunctionSpec => {
  const found = topology.functions.find((f) => f.id === 'handle-department');
  if (!found) throw new Error('no handle-department in the topology');
  return found;
};

/** The demo config with other notification targets for service and press. */
function withTargets(
  service: NonNullable<CompanyConfig['departments'][number]['notify']>,
  press = service,
): CompanyConfig {
  const config = demoConfig();
  return {
    ...config,
    departments: config.departments.map((d) =>
      d.id === 'service'
        ? { ...d, notify: service }
        : d.id === 'press'
          ? { ...d, notify: press }
          : { ...d, notify: [] },
    ),
  };
}

describe('notifications in the topology', () => {
  it('has one default Slack secret shared by the demo channels and the Teams secret of service, readable by handle-department, whose names come from the config and not from variables', () => {
    // Act
    const topology = buildTopology(demoConfig());

    // Assess
    const notify = topology.secrets.filter((s) => s.platform.startsWith('notify-'));
    expect(notify.map((s) => [s.id, s.name, s.platform])).toEqual([
      ['notify-backchannel-demo-slack', 'backchannel/demo/slack', 'notify-slack'],
      ['notify-backchannel-demo-teams-service', 'backchannel/demo/teams-service', 'notify-teams'],
    ]);
    expect(Object.keys(handler(topology).environment).filter((name) => name.endsWith('_SECRET_NAME'))).toEqual([]);
    expect(handler(topology).grants).toContainEqual({
      resource: 'secret',
      secret: 'notify-backchannel-demo-slack',
      access: 'read',
    });
  });

  it('lets handle-department send e-mail when a department has an e-mail target', () => {
    // Act
    const grants = handler(buildTopology(demoConfig())).grants;

    // Assess
    expect(grants).toContainEqual({ resource: 'email', access: 'send' });
  });

  it('grants no e-mail without an e-mail target, and a secret per distinct Teams or Slack secret', () => {
    // Arrange
    const config = withTargets(
      [
        { type: 'teams', secretName: 'bc/demo/teams-service' },
        { type: 'slack', channel: '#kundenservice', secretName: 'bc/demo/slack-service' },
      ],
      [{ type: 'teams', secretName: 'bc/demo/teams-service' }],
    );

    // Act (without alerts.chat, whose default Slack secret would come on top)
    const topology = buildTopology({
      ...config,
      alerts: { email: [], chat: [] },
      reports: { ...config.reports, management: [] },
    });

    // Assess
    expect(topology.secrets.filter((s) => s.platform.startsWith('notify-')).map((s) => [s.id, s.platform])).toEqual([
      ['notify-bc-demo-teams-service', 'notify-teams'],
      ['notify-bc-demo-slack-service', 'notify-slack'],
    ]);
    expect(handler(topology).grants.some((g) => g.resource === 'email')).toBe(false);
  });

  it('passes the e-mail sender from notifications.from', () => {
    // Act
    const topology = buildTopology({ ...demoConfig(), notifications: { from: 'backchannel@radwerk-hansen.example' } });

    // Assess
    expect(handler(topology).environment.NOTIFY_FROM_EMAIL).toEqual({
      kind: 'literal',
      value: 'backchannel@radwerk-hansen.example',
    });
  });

  it('gives detect-spikes the same notification secrets as handle-department (it tells press and the leads of a spike)', () => {
    // Act
    const topology = buildTopology(demoConfig());

    // Assess
    const grantsOf = (id: string) =>
      topology.functions
        .find((f) => f.id === id)
        ?.grants.filter((g) => g.resource === 'secret' || g.resource === 'email');
    expect(grantsOf('detect-spikes')).toEqual(grantsOf('handle-department'));
    expect(grantsOf('detect-spikes')?.length).toBeGreaterThan(0);
  });

  it('gives no other function than build-report (reports go to the same targets) and detect-spikes the notification secrets, but the alarm forwarder those of alerts.chat', () => {
    // Act
    const topology = buildTopology(demoConfig());

    // Assess
    const forwarder = topology.functions.find((f) => f.id === 'forward-alarm');
    expect(forwarder?.grants).toEqual([
      { resource: 'secret', secret: 'notify-backchannel-demo-slack', access: 'read' },
    ]);
    const others = topology.functions.filter(
      (f) => !['handle-department', 'detect-spikes', 'build-report', 'forward-alarm'].includes(f.id),
    );
    expect(
      others
        .flatMap((f) => f.grants)
        .filter((g) => (g.resource === 'secret' && g.secret.startsWith('notify-')) || g.resource === 'email'),
    ).toEqual([]);
  });
});

describe('notifications in the local runtime', () => {
  it('sets NOTIFY_OUTBOX_DIR, so handle-department writes to the outbox', () => {
    // Arrange
    const config = demoConfig();
    const topology = buildTopology(config);
    const endpoints = {
      dynamodb: 'http://127.0.0.1:1',
      sqs: 'http://127.0.0.1:2',
      eventBridge: 'http://127.0.0.1:3',
      secretsManager: 'http://127.0.0.1:4',
    };

    // Act
    const env = resolveEnv(
      handler(topology),
      topology,
      config,
      Object.fromEntries(topology.queues.map((q) => [q.id, `${endpoints.sqs}/000000000000/${q.name}`])),
      { region: 'eu-central-1', endpoints, outboxDir: '/data/demo/outbox' },
    );

    // Assess
    expect(env.NOTIFY_OUTBOX_DIR).toBe('/data/demo/outbox');
    // Which department a queue is comes from its URL (CloudFormation names the queues in AWS).
    expect(env.QUEUE_URL_DEPT_PRESS).toBe('http://127.0.0.1:2/000000000000/bc-demo-dept-press');
  });

  it('generates a local value for the notification secrets with the platform secrets', async () => {
    // Act
    const secrets = await loadLocalSecrets(buildTopology(demoConfig()).secrets);

    // Assess
    expect(secrets.generated).toContain('backchannel/demo/slack');
    expect(() => JSON.parse(secrets.values['backchannel/demo/slack'] ?? '')).not.toThrow();
  });
});
