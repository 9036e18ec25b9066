/**
 * `npx tsx bench/notify-redelivery.ts [webhooks] [copies]`: finding 6 of issue 10, measured.
 * Starts the embedded runtime (in memory, demo config), sends `webhooks` (default 20)
 * different signed Meta comments, each `copies` times (default 6) at once, waits until the
 * pipeline is idle and counts the outbox: deliveries per (notification, target). Prints a
 * Markdown table; `duplicates` must be 0.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { postSignedMeta } from '../infra/local/demo.ts';
import { startRuntime } from '../infra/local/runtime.ts';
import { parseMetaSecret } from '../infra/local/secrets.ts';
import { platformSecretName } from '../infra/topology.ts';
import { loadCompanyConfig } from '../shared/config/load.ts';
import type { OutboxLine } from '../shared/adapters/notify/index.ts';
import { targetKey } from '../shared/domain/notification.ts';
import { DEMO_PAGE_ID, escapeNonAscii, metaFeedCommentChange } from '../test/factories/http.ts';

const webhooks = Number(process.argv[2] ?? 20);
const copies = Number(process.argv[3] ?? 6);
const config = await loadCompanyConfig('companies/demo.yaml');
const runtime = await startRuntime({ config, port: 0, startScheduler: false, log: () => undefined });
try {
  const appSecret = parseMetaSecret(runtime.secrets[platformSecretName(config, 'meta')]).appSecret;
  const bodies = Array.from({ length: webhooks }, (_, i) => {
    // Each on its own post, so each opens its own case.
    const change = metaFeedCommentChange(i, {
      post_id: `${DEMO_PAGE_ID}_${9000 + i}`,
      parent_id: `${DEMO_PAGE_ID}_${9000 + i}`,
      message: `Mein Rad Nummer ${i} ist kaputt und keiner antwortet!`,
    });
    return escapeNonAscii(
      JSON.stringify({ object: 'page', entry: [{ id: DEMO_PAGE_ID, time: 1764322000 + i, changes: [change] }] }),
    );
  });
  const started = performance.now();
  const answers = await Promise.all(
    bodies.flatMap((body) =>
      Array.from({ length: copies }, () => postSignedMeta(runtime.webhookUrls.meta as string, body, appSecret)),
    ),
  );
  await runtime.waitForIdle(120_000);
  const seconds = (performance.now() - started) / 1000;

  const counts = new Map<string, number>();
  for (const department of config.departments.map((d) => d.id)) {
    const text = await readFile(path.join(runtime.outboxDir, `${department}.jsonl`), 'utf8').catch(() => '');
    for (const line of text.split('\n').filter(Boolean)) {
      const { notification, target } = JSON.parse(line) as OutboxLine;
      const key = `${notification.id}#${targetKey(notification.department, target)}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
  }
  const deliveries = [...counts.values()].reduce((a, b) => a + b, 0);
  const worst = Math.max(0, ...counts.values());
  process.stdout.write(
    [
      '| webhooks | copies each | answered 200 | notification x target | deliveries | duplicates | most per target | seconds |',
      '|---:|---:|---:|---:|---:|---:|---:|---:|',
      `| ${webhooks} | ${copies} | ${answers.filter((a) => a.status === 200).length} | ${counts.size} | ${deliveries} | ${deliveries - counts.size} | ${worst} | ${seconds.toFixed(1)} |`,
      '',
    ].join('\n'),
  );
} finally {
  await runtime.stop();
}
