import { describe, expect, it } from 'vitest';
import { NO_LOCAL_BEDROCK, resolveEnv } from '../../../infra/local/function-env.ts';
import { buildTopology } from '../../../infra/topology.ts';
import type { CompanyConfig } from '../../../shared/config/schema.ts';
import { demoConfig } from '../../factories/config.ts';

function withCloud(enabled: boolean): CompanyConfig {
  const config = demoConfig();
  return {
    ...config,
    classifier: {
      ...config.classifier,
      cloud: { ...config.classifier.cloud, enabled, modelId: 'eu.amazon.nova-micro-v1:0' },
    },
  };
}

const classifyGrants = (config: CompanyConfig) =>
  buildTopology(config).functions.find((f) => f.id === 'classify-mention')!.grants;

describe('the cloud classifier in the topology', () => {
  it('grants classify-mention InvokeModel on the configured model only when the cloud classifier is enabled', () => {
    expect(classifyGrants(withCloud(true))).toContainEqual({
      resource: 'model',
      modelId: 'eu.amazon.nova-micro-v1:0',
      access: 'invoke',
    });
    expect(classifyGrants(withCloud(false)).some((g) => g.resource === 'model')).toBe(false);
  });

  it('gives no other function a model grant', () => {
    const others = buildTopology(withCloud(true)).functions.filter((f) => f.id !== 'classify-mention');

    expect(others.flatMap((f) => f.grants).some((g) => g.resource === 'model')).toBe(false);
  });

  it('points Bedrock at a closed local port in the local runtime, so the classifier falls back at once', () => {
    const config = withCloud(true);
    const topology = buildTopology(config);
    const spec = topology.functions.find((f) => f.id === 'classify-mention')!;
    const endpoints = {
      dynamodb: 'http://127.0.0.1:1',
      sqs: 'http://127.0.0.1:2',
      eventBridge: 'http://127.0.0.1:3',
      secretsManager: 'http://127.0.0.1:4',
    };

    const env = resolveEnv(spec, topology, config, {}, { region: 'eu-central-1', endpoints });

    expect(env.AWS_ENDPOINT_URL_BEDROCK_RUNTIME).toBe(NO_LOCAL_BEDROCK);
  });
});
