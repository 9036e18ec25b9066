import { vi } from 'vitest';

// No EMF lines from the shared metrics in test output.
vi.hoisted(() => {
  process.env.POWERTOOLS_METRICS_DISABLED = 'true';
});

import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { CreateQueueCommand, ReceiveMessageCommand, SQSClient, type Message } from '@aws-sdk/client-sqs';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHandler } from '../../functions/ingest-webhook/handler.ts';
import { LOCAL_CREDENTIALS, startSqs, type LocalBackend } from '../../infra/local/backends.ts';
import { MentionSchema } from '../../shared/domain/mention.ts';
import { demoConfig } from '../factories/config.ts';
import {
  TEST_META_SECRET,
  asFunctionUrlEvent,
  lambdaContextFactory,
  metaCommentsBody,
  signedMetaEvent,
} from '../factories/http.ts';

// Secrets Manager has no local emulator: only its client is mocked; SQS is real.
const secretsManager = mockClient(SecretsManagerClient);

describe('ingest-webhook against a local SQS', () => {
  let backend: LocalBackend;
  let sqs: SQSClient;
  let queues = 0;

  beforeAll(async () => {
    backend = await startSqs({ port: 0 });
    sqs = new SQSClient({ region: 'eu-central-1', endpoint: backend.endpoint, credentials: LOCAL_CREDENTIALS });
    secretsManager.on(GetSecretValueCommand).resolves({ SecretString: JSON.stringify(TEST_META_SECRET) });
  });

  afterAll(async () => {
    secretsManager.restore();
    sqs?.destroy();
    await backend?.stop();
  });

  // Both entry points in this release: the function URL, and the HTTP API's old routes that
  // platforms registered before w16 still call while they move (the deployment window).
  it.each([
    { entry: "ingest's function URL (rawPath only)", shape: asFunctionUrlEvent },
    { entry: "the HTTP API's old route (pathParameters)", shape: (e: APIGatewayProxyEventV2) => e },
  ])(
    'turns a signed POST with 12 mentions through $entry into 12 Mention messages on the intake queue',
    async ({ shape }) => {
      // Arrange
      const created = await sqs.send(new CreateQueueCommand({ QueueName: `bc-demo-intake-${queues++}` }));
      const queueUrl = created.QueueUrl as string;
      const handler = createHandler({
        COMPANY_CONFIG: JSON.stringify(demoConfig()),
        INTAKE_QUEUE_URL: queueUrl,
        META_SECRET_NAME: 'backchannel/demo/meta',
        AWS_REGION: 'eu-central-1',
        AWS_ENDPOINT_URL_SQS: backend.endpoint,
        AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
        AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
      });
      const event = shape(signedMetaEvent(metaCommentsBody(3, 4)));

      // Act
      const response = await handler(event, lambdaContextFactory());

      // Assess
      expect(response).toMatchObject({ statusCode: 200, body: '{"enqueued":12,"deleted":0,"ignored":0,"revoked":0}' });
      const messages = await receiveAll(sqs, queueUrl, 12);
      const mentions = messages.map((m) => MentionSchema.parse(JSON.parse(m.Body ?? '')));
      expect(mentions).toHaveLength(12);
      expect(new Set(mentions.map((m) => m.id)).size).toBe(12);
      expect(mentions.every((m) => m.platform === 'facebook')).toBe(true);
      expect(messages.every((m) => m.MessageAttributes === undefined)).toBe(true);
    },
  );
});

/** Receives until `expected` messages arrived or a receive comes back empty. */
async function receiveAll(sqs: SQSClient, queueUrl: string, expected: number): Promise<Message[]> {
  const messages: Message[] = [];
  while (messages.length < expected) {
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: 10,
        MessageAttributeNames: ['All'],
        WaitTimeSeconds: 1,
      }),
    );
    if (Messages.length === 0) break;
    messages.push(...Messages);
  }
  return messages;
}
