import { describe, expect, it } from 'vitest';
import { createSqsClient, observeClients } from '../../../shared/adapters/aws-clients.ts';

describe('observeClients', () => {
  it('shows every client built while the hook is set, and none after it is removed', () => {
    // Arrange
    const seen: unknown[] = [];
    const remove = observeClients((client) => seen.push(client));

    // Act
    const observed = createSqsClient({ AWS_REGION: 'eu-central-1' });
    remove();
    const unobserved = createSqsClient({ AWS_REGION: 'eu-central-1' });

    // Assess
    expect(seen).toEqual([observed]);
    expect(seen).not.toContain(unobserved);
    observed.destroy();
    unobserved.destroy();
  });

  it('lets the hook add middleware that sees each request by its operation', async () => {
    // Arrange
    const operations: string[] = [];
    const remove = observeClients((client) => {
      const stack = client.middlewareStack as unknown as {
        add(m: (next: unknown, context: { commandName?: string }) => () => Promise<never>, o: object): void;
      };
      stack.add(
        (_next, context) => async () => {
          operations.push(context.commandName ?? '');
          throw new Error('stopped before the network');
        },
        { step: 'initialize', name: 'testObserver' },
      );
    });
    const sqs = createSqsClient({ AWS_REGION: 'eu-central-1' });
    remove();
    const { GetQueueUrlCommand } = await import('@aws-sdk/client-sqs');

    // Act
    const sent = sqs.send(new GetQueueUrlCommand({ QueueName: 'q' }));

    // Assess
    await expect(sent).rejects.toThrow('stopped before the network');
    expect(operations).toEqual(['GetQueueUrlCommand']);
    sqs.destroy();
  });

  it('adds no X-Ray middleware: tracing is Lambda active tracing, with no X-Ray SDK in the bundle', () => {
    // Act
    const sqs = createSqsClient({ AWS_REGION: 'eu-central-1' });

    // Assess
    expect(sqs.middlewareStack.identify().some((name) => /xray|segment/i.test(name))).toBe(false);
    sqs.destroy();
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
