import { SQSClient } from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import { createSqsClient, traced } from '../../../shared/adapters/aws-clients.ts';
import { tracer } from '../../../shared/observability/powertools.ts';

describe('the tracer outside Lambda (tests, npm start)', () => {
  it('is off, as there is no AWS_EXECUTION_ENV', () => {
    expect(tracer.isTracingEnabled()).toBe(false);
  });

  it('returns an SDK client as it was, with no X-Ray middleware in its stack', () => {
    // Arrange
    const client = new SQSClient({ region: 'eu-central-1' });

    // Act
    const result = traced(client);

    // Assess
    expect(result).toBe(client);
    expect(result.middlewareStack.identify().some((name) => /xray|segment/i.test(name))).toBe(false);
  });

  it('builds the clients of a function with the endpoint of its environment', async () => {
    // Act
    const client = createSqsClient({ AWS_REGION: 'eu-central-1', AWS_ENDPOINT_URL_SQS: 'http://127.0.0.1:9324' });

    // Assess
    const endpoint = await client.config.endpoint?.();
    expect(endpoint?.hostname).toBe('127.0.0.1');
    client.destroy();
  });
});
