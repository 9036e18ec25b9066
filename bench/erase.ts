/**
 * `npx tsx bench/erase.ts [mentions]`: erasure of one author against dynalite, through the
 * real handlers (classify-mention, handle-department, admin-api) and outbox. One author
 * writes N mentions over 20 threads she opened, another author N mentions in the same
 * threads; then a dry run, the erasure and a second erasure. Prints a table to stderr (stdout
 * carries the functions' JSON log lines; `2>&1 >/dev/null` keeps only the table): what
 * was counted and erased, how many scan pages the erasure job read, how long each took
 * (request to done), how many items still name her (must be 0).
 */
import { formatTable } from '../infra/local/text-table.ts';
import { demoConfig } from '../test/factories/config.ts';
import { mentionFactory } from '../test/factories/mention.ts';
import { HandlerPipeline } from '../test/support/handler-pipeline.ts';

const N = Number(process.argv[2] ?? 200);
const ADMIN = { sub: 'sub-bench', email: 'bench.admin@radwerk-hansen.example' };
const AUTHOR = { id: '7770042001', name: 'Heike Quastenberg', handle: '@heikequast' };
const TRACE = /7770042001|Quastenberg|heikequast|Quastomat/;

const out = (text: string) => process.stderr.write(text);
const config = demoConfig();
const pipeline = await HandlerPipeline.start({
  ...config,
  admin: { ...config.admin, admins: [{ name: 'Bench Admin', email: ADMIN.email }] },
});
try {
  const at = (base: string, i: number) => new Date(Date.parse(base) + i * 1000).toISOString();
  const hers = Array.from({ length: N }, (_, i) =>
    mentionFactory({
      externalId: `900_${i}`,
      threadId: `104729381726354_${900 + (i % 20)}`,
      author: AUTHOR,
      url: `https://www.facebook.com/c/${i}`,
      text: `Mein Stadtflitzer Nr ${i} ist kaputt, Quastomat quietscht`,
      createdAt: at('2026-11-28T09:00:00Z', i),
    }),
  );
  const others = Array.from({ length: N }, (_, i) =>
    mentionFactory({
      externalId: `901_${i}`,
      threadId: `104729381726354_${900 + (i % 20)}`,
      author: { id: '5550099', name: 'Olaf Beispiel' },
      text: `Bei mir auch kaputt ${i}`,
      createdAt: at('2026-11-28T10:00:00Z', i),
    }),
  );
  for (let i = 0; i < N; i += 10) await pipeline.deliver([...hers.slice(i, i + 10), ...others.slice(i, i + 10)]);
  const itemsBefore = (await pipeline.items()).length;
  const linesBefore = (await pipeline.outboxLines()).length;

  const rows: string[][] = [];
  // The first row scans the whole table for an author it does not hold: the scan alone.
  for (const [run, body, authorId] of [
    ['nobody (scan only)', undefined, '1110000001'],
    ['dry run', { dryRun: true }, AUTHOR.id],
    ['erase', undefined, AUTHOR.id],
    ['erase again', undefined, AUTHOR.id],
  ] as const) {
    const start = performance.now();
    // The route answers 202; the pipeline then runs erase-author's job (one 1 MB scan page per
    // run, each continued by the next message, as a Lambda run out of time continues).
    const started = await pipeline.call('POST /authors/{platform}/{authorId}/erase', {
      pathParameters: { platform: 'facebook', authorId },
      claims: ADMIN,
      ...(body ? { body } : {}),
    });
    const ms = performance.now() - start;
    const answer = await pipeline.erasureOf(started, ADMIN);
    const c = answer.body.counts as Record<string, number>;
    const items = await pipeline.items();
    rows.push([
      run,
      `${started.status} ${String(answer.body.status)}`,
      String(answer.body.pages),
      String(answer.body.scannedItems),
      String(c.mentions),
      String(c.caseMentions),
      String(c.notificationMarkers),
      String(c.cases),
      String(c.outboxLines),
      `${Math.round(ms)}`,
      String(items.length),
      String(items.filter((i) => TRACE.test(JSON.stringify(i))).length),
      String((await pipeline.outboxLines()).filter((l) => TRACE.test(l)).length),
    ]);
  }
  out(
    `## Erasure of one author (${N} mentions of hers, ${N} of another author, 20 threads; ${itemsBefore} items, ${linesBefore} outbox lines before)\n\n`,
  );
  out(
    `${formatTable(['run', 'status', 'scan pages', 'items scanned', 'mentions', 'case records', 'markers', 'cases', 'outbox lines', 'ms', 'items after', 'items naming her', 'outbox lines naming her'], rows)}\n`,
  );
} catch (error) {
  // A run that failed on every delivery (HandlerPipeline waits for each): say so instead of a table.
  out(`bench:erase failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
} finally {
  await pipeline.stop();
}
