/**
 * `npx tsx bench/chaos/retry-quota.ts [--rate 0.5] [--calls 600]`: why a long-lived
 * DynamoDB client gives up on a throttled table. The SDK's standard retry strategy has a
 * retry quota of 500 tokens per client; a retried throttling error costs 5, a success
 * without retry gives 1 back. At a 50 % throttle rate the quota drains after a few hundred
 * calls, and from then on a throttled call fails at once, without retrying: the failure
 * rate jumps from 12.5 % (3 attempts) to about the throttle rate. Every function of the
 * local runtime keeps one client for the whole run, as a warm Lambda container does.
 *
 * A local HTTP server answers ProvisionedThroughputExceededException to a share of the
 * calls (seeded), as the chaos bench's fault proxy does; the client is the SDK's default.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { seededRandom } from './faults.ts';

const { values } = parseArgs({
  options: { rate: { type: 'string' }, calls: { type: 'string' }, seed: { type: 'string' } },
});
const rate = Number(values.rate ?? 0.5);
const calls = Number(values.calls ?? 600);
const random = seededRandom(Number(values.seed ?? 1));
const CHUNK = 100;

const server = createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    const throttled = random() < rate;
    res.writeHead(throttled ? 400 : 200, { 'content-type': 'application/x-amz-json-1.0' });
    res.end(
      throttled
        ? JSON.stringify({
            __type: 'com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException',
            message: 'injected',
          })
        : '{}',
    );
  });
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const client = new DynamoDBClient({
  region: 'eu-central-1',
  endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
  credentials: { accessKeyId: 'probe', secretAccessKey: 'probe' },
});
const strategy = (await client.config.retryStrategy()) as { getCapacity?: () => number };
process.stdout.write(`| calls so far | failed (of ${CHUNK}) | retry quota left | ms |\n|---|---|---|---|\n`);
for (let done = 0; done < calls; done += CHUNK) {
  const started = performance.now();
  let failed = 0;
  await Promise.all(
    Array.from({ length: CHUNK }, () =>
      client.send(new GetItemCommand({ TableName: 't', Key: { pk: { S: 'x' } } })).catch(() => void failed++),
    ),
  );
  process.stdout.write(
    `| ${done + CHUNK} | ${failed} | ${strategy.getCapacity?.() ?? '?'} | ${(performance.now() - started).toFixed(0)} |\n`,
  );
}
client.destroy();
server.close();
