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

describe('createSqsClient', () => {
  it('resolves the middleware once and still sends each request its own input, also concurrently', async () => {
    // Arrange: a hook that reads each serialized request and stops it before the network
    const bodies: string[] = [];
    const remove = observeClients((client) => {
      const stack = client.middlewareStack as unknown as {
        add(m: (next: unknown) => (args: { request: { body?: unknown } }) => Promise<never>, o: object): void;
      };
      stack.add(
        () => async (args) => {
          bodies.push(String(args.request.body));
          throw new Error('stopped before the network');
        },
        { step: 'finalizeRequest', name: 'testBodies' },
      );
    });
    const sqs = createSqsClient({
      AWS_REGION: 'eu-central-1',
      AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
      AWS_SECRET_ACCESS_KEY: 'not-a-secret',
    });
    remove();
    const { SendMessageCommand } = await import('@aws-sdk/client-sqs');
    const send = (body: string) =>
      sqs.send(new SendMessageCommand({ QueueUrl: 'https://sqs.eu-central-1.amazonaws.com/1/q', MessageBody: body }));

    // Act
    const sent = await Promise.allSettled([send('first'), send('second'), send('third')]);
    const after = await Promise.allSettled([send('fourth')]);

    // Assess
    expect([...sent, ...after].map((s) => s.status)).toEqual(['rejected', 'rejected', 'rejected', 'rejected']);
    expect(bodies.map((b) => (JSON.parse(b) as { MessageBody: string }).MessageBody)).toEqual([
      'first',
      'second',
      'third',
      'fourth',
    ]);
    expect(sqs.config.cacheMiddleware).toBe(true);
    sqs.destroy();
  });
});
