/**
 * The baselines of the ack latency: the least a webhook endpoint can do on this machine.
 *
 *   tsx bench/throughput/bare-server.ts hmac       # node:http, verifies Meta's HMAC, answers 200
 *   tsx bench/throughput/bare-server.ts hmac+sqs   # the same plus one SDK SendMessage to local-aws-sqs
 *
 * The queue is local-aws-sqs with the queue journal in a temporary folder, started in this
 * process as `npm start` starts it, so the baseline pays for the same fsync before its 200.
 * The app secret comes in BENCH_APP_SECRET; the server prints `{"url": ...}` on stdout once
 * it listens and stops on SIGTERM or SIGINT.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { CreateQueueCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { LOCAL_CREDENTIALS, LOCAL_REGION, startSqs } from '../../infra/local/backends.ts';

const mode = process.argv[2];
if (mode !== 'hmac' && mode !== 'hmac+sqs') {
  process.stderr.write('usage: bare-server.ts hmac|hmac+sqs\n');
  process.exit(2);
}
const appSecret = process.env.BENCH_APP_SECRET ?? '';

const journalDir = await mkdtemp(path.join(os.tmpdir(), 'bc-bench-bare-'));
const backend = mode === 'hmac+sqs' ? await startSqs({ journalDir }) : undefined;
const sqs = backend
  ? new SQSClient({ region: LOCAL_REGION, endpoint: backend.endpoint, credentials: LOCAL_CREDENTIALS })
  : undefined;
const queueUrl = sqs ? (await sqs.send(new CreateQueueCommand({ QueueName: 'bare-intake' }))).QueueUrl : undefined;

const validSignature = (body: Buffer, header: string | undefined): boolean => {
  const expected = Buffer.from(`sha256=${createHmac('sha256', appSecret).update(body).digest('hex')}`);
  const given = Buffer.from(header ?? '');
  return given.length === expected.length && timingSafeEqual(given, expected);
};

const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', async () => {
    const body = Buffer.concat(chunks);
    const signature = req.headers['x-hub-signature-256'];
    if (!validSignature(body, Array.isArray(signature) ? signature[0] : signature)) {
      res.writeHead(401).end();
      return;
    }
    try {
      if (sqs) await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: body.toString('utf8') }));
      res.writeHead(200, { 'content-type': 'text/plain' }).end('EVENT_RECEIVED');
    } catch {
      res.writeHead(500).end();
    }
  });
});
server.listen(0, '127.0.0.1', () => {
  const { port } = server.address() as AddressInfo;
  process.stdout.write(`${JSON.stringify({ url: `http://127.0.0.1:${port}` })}\n`);
});

const stop = async () => {
  server.closeAllConnections();
  server.close();
  sqs?.destroy();
  await backend?.stop();
  await rm(journalDir, { recursive: true, force: true });
  process.exit(0);
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
