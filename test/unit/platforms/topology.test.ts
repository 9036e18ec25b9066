import { describe, expect, it } from 'vitest';
import { buildTopology, GENERIC_WEBHOOK_PATH } from '../../../infra/topology.ts';
import { generateSecretValue, parsePlatformSecret } from '../../../infra/local/secrets.ts';
import { platformRegistry } from '../../../shared/platforms/registry.ts';
import { demoConfig } from '../../factories/config.ts';

describe('the topology of the webhook platforms', () => {
  const config = demoConfig();
  const topology = buildTopology(config);

  it('has one secret per enabled webhook platform, named backchannel/<company>/<platform>', () => {
    // Act
    const secrets = topology.secrets.filter((s) => platformRegistry.get(s.platform));

    // Assess
    expect(secrets.map((s) => [s.id, s.name])).toEqual(
      ['meta', 'x', 'linkedin', 'youtube', 'tiktok', 'generic'].map((p) => [p, `backchannel/demo/${p}`]),
    );
  });

  it('routes GET and POST /webhooks/{platform} and POST /webhooks/generic/{source} to ingest-webhook', () => {
    // Act
    const ingest = topology.functions.find((f) => f.id === 'ingest-webhook');
    const routes = ingest?.triggers.flatMap((t) => (t.type === 'http' ? t.routes : []));

    // Assess
    expect(routes).toEqual([
      { method: 'GET', path: '/webhooks/{platform}' },
      { method: 'POST', path: '/webhooks/{platform}' },
      { method: 'POST', path: GENERIC_WEBHOOK_PATH },
    ]);
  });

  it("serves /webhooks/{platform} and /webhooks/generic/{source} on ingest-webhook's function URL, its first trigger", () => {
    // Act
    const ingest = topology.functions.find((f) => f.id === 'ingest-webhook');

    // Assess
    expect(ingest?.triggers[0]).toEqual({ type: 'url', paths: ['/webhooks/{platform}', GENERIC_WEBHOOK_PATH] });
    expect(topology.functions.filter((f) => f.triggers.some((t) => t.type === 'url')).map((f) => f.id)).toEqual([
      'ingest-webhook',
    ]);
  });

  it("caps ingest-webhook's concurrency by default (20), and by the company's capacity.concurrency.ingest", () => {
    // Arrange
    const raised = {
      ...config,
      capacity: { ...config.capacity, concurrency: { ...config.capacity.concurrency, ingest: 100 } },
    };

    // Act
    const ingestOf = (t: typeof topology) => t.functions.find((f) => f.id === 'ingest-webhook');

    // Assess
    expect(ingestOf(topology)?.reservedConcurrency).toBe(20);
    expect(ingestOf(buildTopology(raised))?.reservedConcurrency).toBe(100);
  });

  it('reserves nothing for ingest-webhook with capacity.concurrency.ingest 0 (an account whose quota holds no reservation), and keeps its URL', () => {
    // Arrange: a new AWS account may start with a concurrency quota of 10, and Lambda keeps 10 unreserved.
    const none = {
      ...config,
      capacity: { ...config.capacity, concurrency: { ...config.capacity.concurrency, ingest: 0 } },
    };

    // Act
    const ingest = buildTopology(none).functions.find((f) => f.id === 'ingest-webhook');

    // Assess
    expect(ingest).toBeDefined();
    expect(ingest).not.toHaveProperty('reservedConcurrency');
    expect(ingest?.triggers.some((t) => t.type === 'url')).toBe(true);
  });

  it('gives ingest-webhook each platform secret name and the right to read it', () => {
    // Act
    const ingest = topology.functions.find((f) => f.id === 'ingest-webhook');

    // Assess
    expect(ingest?.environment.GENERIC_SECRET_NAME).toEqual({ kind: 'secretName', secret: 'generic' });
    expect(ingest?.grants).toContainEqual({ resource: 'secret', secret: 'x', access: 'read' });
  });

  it('generates a local secret of each platform in the shape its adapter reads', () => {
    // Act
    const parsed = topology.secrets
      .filter((s) => platformRegistry.get(s.platform))
      .map((spec) => parsePlatformSecret(spec.platform, generateSecretValue(spec)));

    // Assess
    expect(parsed).toHaveLength(6);
    expect(parsed[1]).toEqual({ consumerSecret: expect.any(String) });
  });
});
