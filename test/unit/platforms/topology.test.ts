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
