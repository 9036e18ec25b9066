import { CreateQueueCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequestHandler } from 'local-aws-sqs';
import { afterEach, describe, expect, it } from 'vitest';
import { listen, LOCAL_CREDENTIALS, LOCAL_REGION } from '../../../infra/local/backends.ts';
import { journalSqs, type SqsJournal } from '../../../infra/local/journaled-sqs.ts';
import { QueueJournalError, type JournaledMessage } from '../../../infra/local/queue-journal.ts';

/**
 * journalSqs over a real local-aws-sqs request handler with an in-memory journal whose
 * durable() the test controls: when SendMessage may answer.
 */
class ControlledJournal implements SqsJournal {
  readonly file = '/nonexistent/journal.jsonl';
  readonly puts: JournaledMessage[] = [];
  readonly events: string[] = [];
  private waiting: { resolve: () => void; reject: (error: Error) => void }[] = [];

  put(message: JournaledMessage): void {
    this.puts.push(message);
  }
  receive(): void {}
  delete(): void {}
  purge(): void {}
  messages(): JournaledMessage[] {
    return [...this.puts];
  }
  durable(): Promise<void> {
    if (this.puts.length === 0) return Promise.resolve();
    return new Promise((resolve, reject) => this.waiting.push({ resolve, reject }));
  }
  /** Lets every waiting response go, recording when. */
  sync(): void {
    this.events.push('fsynced');
    for (const w of this.waiting.splice(0)) w.resolve();
  }
  fail(): void {
    for (const w of this.waiting.splice(0))
      w.reject(new QueueJournalError('the queue journal cannot be written: ENOSPC'));
  }
  async untilWaiting(): Promise<void> {
    while (this.waiting.length === 0) await new Promise((resolve) => setImmediate(resolve));
  }
}

describe('journalSqs', () => {
  let server: Server | undefined;
  let sqs: SQSClient | undefined;

  async function start(journal: SqsJournal, log: (line: string) => void = () => {}) {
    const local = createRequestHandler({
      port: 0,
      hostname: '127.0.0.1',
      region: LOCAL_REGION,
      emulateQueueCreationLifecycle: false,
    });
    server = createServer(journalSqs(local, journal, log).requestHandler);
    await listen(server, 0);
    local.service.PORT = (server.address() as AddressInfo).port;
    sqs = new SQSClient({
      region: LOCAL_REGION,
      endpoint: `http://127.0.0.1:${local.service.PORT}`,
      credentials: LOCAL_CREDENTIALS,
      maxAttempts: 1,
    });
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: 'intake' }));
    return { sqs, url: QueueUrl as string };
  }

  afterEach(async () => {
    sqs?.destroy();
    server?.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve));
  });

  it('answers SendMessage only after the journal has the message durable', async () => {
    // Arrange
    const journal = new ControlledJournal();
    const { sqs, url } = await start(journal);

    // Act
    const sending = sqs
      .send(new SendMessageCommand({ QueueUrl: url, MessageBody: '{"mentionId":"meta:1"}' }))
      .then((answer) => {
        journal.events.push('answered');
        return answer;
      });
    await journal.untilWaiting();
    journal.sync();
    const { MessageId } = await sending;

    // Assess
    expect(journal.events).toEqual(['fsynced', 'answered']);
    expect(journal.puts).toEqual([
      expect.objectContaining({ queue: 'intake', id: MessageId, body: '{"mentionId":"meta:1"}', receiveCount: 0 }),
    ]);
  });

  it('answers 500 InternalFailure, never 200, when the journal cannot be written, and logs why', async () => {
    // Arrange
    const journal = new ControlledJournal();
    const lines: string[] = [];
    const { sqs, url } = await start(journal, (line) => lines.push(line));

    // Act
    const sending = sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'x' }));
    const rejected = expect(sending).rejects.toMatchObject({
      name: 'InternalFailure',
      $metadata: { httpStatusCode: 500 },
    });
    await journal.untilWaiting();
    journal.fail();

    // Assess
    await rejected;
    expect(lines).toEqual(['SQS request not acknowledged: the queue journal cannot be written: ENOSPC']);
  });
});
