import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDocumentClient } from '../../shared/adapters/aws-clients.ts';
import { dynamoErasureJobPorts } from '../../shared/adapters/dynamodb/erasure-job-store.ts';
import type { AuthorRef } from '../../shared/domain/erase-author.ts';
import {
  requestErasure,
  runErasureJob,
  type AuthorScan,
  type ErasureJobDeps,
  type ErasureJobRun,
} from '../../shared/domain/erasure-job.ts';
import type { Mention } from '../../shared/domain/mention.ts';
import { demoConfig } from '../factories/config.ts';
import { mentionFactory } from '../factories/mention.ts';
import { fixedClock } from '../fakes/in-memory.ts';
import { HandlerPipeline } from '../support/handler-pipeline.ts';

/**
 * Erasure as a job over a scan of the company table (no author index): several authors'
 * mentions, cases and corrections go through the real handlers into dynalite, and the job
 * scans in pages of a few items, continued across runs as the erasure queue's messages
 * continue it, erasing one author's items and nothing else.
 */

const ADMIN = { sub: 'sub-greta', email: 'greta.voss@radwerk-hansen.example', name: 'Greta Voss' };

/** Items a page holds at most: the table of these tests then takes dozens of pages. */
const PAGE_LIMIT = 2;
/** Pages one run scans before it says `continue` (as a Lambda invocation running out of time). */
const PAGES_PER_RUN = 3;

const NINA = { id: '6660001', name: 'Nina Beispielfrau', handle: '@ninab' };
const OLAF = { id: '6660002', name: 'Olaf Andersson', handle: '@olafa' };
const BEN = { id: '6660003', name: 'Ben Bremser', handle: '@benb' };
const RIA = { id: '6660004', name: 'Ria Rücktritt', handle: '@riar' };
const UWE = { id: '6660005', name: 'Uwe Umtausch', handle: '@uweu' };

function says(author: typeof NINA, externalId: string, threadId: string, text: string, minute: number): Mention {
  const at = `2026-11-28T09:${String(minute).padStart(2, '0')}:00.000Z`;
  return mentionFactory({ externalId, threadId, createdAt: at, receivedAt: at, author, text });
}

const ninaOpens = says(NINA, '911_1', '104729381726354_911', 'Mein Lastenrad Nr. 911 hat einen Rahmenbruch', 1);
const olafOpens = says(OLAF, '912_1', '104729381726354_912', 'Mein E-Trekker hat einen Platten, wer hilft?', 2);
const ninaJoins = says(NINA, '912_2', '104729381726354_912', 'Bei mir auch, seit einer Woche kaputt', 3);
const ninaAgain = says(NINA, '913_1', '104729381726354_913', 'Die Bremse quietscht schon wieder furchtbar', 4);
const olafAgain = says(OLAF, '914_1', '104729381726354_914', 'Der Kundenservice hat mich zurückgerufen, danke', 5);
const benOpens = says(BEN, '915_1', '104729381726354_915', 'Meine Kette springt bei jedem Gangwechsel', 6);
const riaOpens = says(RIA, '916_1', '104729381726354_916', 'Mein Sattel ist gerissen, nach drei Tagen', 7);
const uweOpens = says(UWE, '917_1', '104729381726354_917', 'Der Umtausch meines Helms dauert schon drei Wochen', 8);
const uweJoins = says(UWE, '917_2', '104729381726354_917', 'Immer noch keine Antwort zum Umtausch', 9);

describe('erasure by a scan job', () => {
  let pipeline: HandlerPipeline;
  let documents: DynamoDBDocumentClient;

  const deps = (scan?: AuthorScan): ErasureJobDeps => {
    const ports = dynamoErasureJobPorts(documents, pipeline.tableName, { pageLimit: PAGE_LIMIT });
    return {
      ...ports,
      ...(scan ? { scan } : {}),
      clock: fixedClock('2026-11-30T08:00:00.000Z'),
      retentionDays: 365,
    };
  };

  /** Runs the job as its queue would: one run per message, each continuing where the last stopped. */
  async function runToEnd(id: string, jobDeps: ErasureJobDeps): Promise<{ last: ErasureJobRun; runs: number }> {
    for (let runs = 1; ; runs++) {
      let pages = 0;
      const last = await runErasureJob(id, jobDeps, {
        shouldStop: () => pages >= PAGES_PER_RUN,
        onPage: () => {
          pages++;
        },
      });
      if (last.state !== 'continue') return { last, runs };
    }
  }

  const start = (author: AuthorRef, dryRun = false) =>
    requestErasure(author, `user:${ADMIN.email}`, { dryRun }, { ...deps() });

  async function correct(mention: Mention): Promise<void> {
    const caseId = pipeline.published.published.find((e) => e.mentionId === mention.id)!.caseId;
    const answer = await pipeline.call('POST /cases/{id}/corrections', {
      pathParameters: { id: caseId },
      claims: ADMIN,
      body: { category: 'complaint', sentiment: 'negative' },
    });
    expect(answer.status).toBe(200);
  }

  beforeAll(async () => {
    const config = demoConfig();
    pipeline = await HandlerPipeline.start({
      ...config,
      admin: { ...config.admin, admins: [{ name: ADMIN.name, email: ADMIN.email }] },
    });
    documents = createDocumentClient(pipeline.env);
    await pipeline.deliver([ninaOpens, olafOpens]);
    await pipeline.deliver([ninaJoins, ninaAgain, olafAgain, benOpens, riaOpens, uweOpens, uweJoins]);
    await correct(ninaAgain);
    await correct(olafAgain);
    await correct(benOpens);
  }, 60_000);

  afterAll(async () => {
    await pipeline.stop();
  });

  it("erases exactly the author's mentions, cases, records and corrections over many pages and runs", async () => {
    // Arrange
    const before = await pipeline.items();
    const request = await start({ platform: 'facebook', authorId: NINA.id });

    // Act
    const { last, runs } = await runToEnd(request.id, deps());

    // Assess
    expect(last.state).toBe('done');
    if (last.state !== 'done') return;
    expect(last.request.pages).toBeGreaterThan(10);
    expect(runs).toBeGreaterThan(3);
    expect(last.request.outcome).toMatchObject({
      erased: true,
      counts: { mentions: 3, cases: 3, corrections: 1 },
      auditId: expect.stringMatching(/^erasure_/),
    });
    const after = await pipeline.items();
    const text = JSON.stringify(after);
    for (const trace of [NINA.name, NINA.handle, ninaOpens.id, ninaJoins.id, ninaAgain.id, ninaAgain.text])
      expect(text).not.toContain(trace);
    // Whatever held nothing of Nina is stored as it was (the request and audit entry are new).
    const key = (i: Record<string, unknown>) => `${String(i.PK)}|${String(i.SK)}`;
    const afterByKey = new Map(after.map((i) => [key(i), i]));
    const untouched = before.filter(
      (i) => ![NINA.id, NINA.name, ninaOpens.id, ninaJoins.id, ninaAgain.id].some((t) => JSON.stringify(i).includes(t)),
    );
    expect(untouched.length).toBeGreaterThan(15);
    for (const item of untouched) expect(afterByKey.get(key(item))).toEqual(item);
    // Olaf's case, which Nina joined, stays his with her traces gone.
    expect(after.find((i) => i.SK === 'CASE' && i.threadId === olafOpens.threadId)).toMatchObject({
      authorId: OLAF.id,
    });
    expect(after.find((i) => i.SK === 'CASE' && i.firstMentionId === 'erased')).toMatchObject({ authorId: 'erased' });
    expect(after.filter((i) => i.type === 'correction')).toHaveLength(2);
    const audit = after.find((i) => i.PK === 'AUDIT#ERASURE');
    expect(audit).toMatchObject({ entry: { actor: `user:${ADMIN.email}`, subject: request.subject } });
    // The done request keeps no trace of whom it erased.
    const stored = after.find((i) => i.PK === `ERASURE#${request.id}`);
    expect(stored).toMatchObject({ status: 'done' });
    expect(JSON.stringify(stored)).not.toContain(NINA.id);
    // It held her id while it ran: TTL deletes it within the retention even if it never finishes.
    const requested = Date.parse(request.requestedAt) / 1000;
    expect(stored?.expiresAt).toBeGreaterThanOrEqual(requested + 365 * 24 * 3600);
    expect(stored?.expiresAt).toBeLessThanOrEqual(requested + 366 * 24 * 3600);
  });

  it('resumes after a failure mid-scan from the last saved page and erases the same', async () => {
    // Arrange
    const request = await start({ platform: 'facebook', authorId: BEN.id });
    const real = deps().scan;
    let calls = 0;
    const failingOnce: AuthorScan = {
      page: (author, cursor) => {
        calls++;
        if (calls === 5) return Promise.reject(new Error('ProvisionedThroughputExceededException'));
        return real.page(author, cursor);
      },
    };

    // Act
    const failed = runToEnd(request.id, deps(failingOnce));
    await expect(failed).rejects.toThrow('ProvisionedThroughputExceeded');
    const midway = await deps().requests.get(request.id);
    const { last } = await runToEnd(request.id, deps(failingOnce));

    // Assess
    expect(midway).toMatchObject({ status: 'scanning', pages: 4, cursor: expect.any(String) });
    expect(last.state).toBe('done');
    if (last.state !== 'done') return;
    expect(last.request.outcome).toMatchObject({ counts: { mentions: 1, cases: 1, corrections: 1 } });
    // No page was scanned twice: the pages of the two runs add up to one scan of the table.
    expect(calls - 1).toBe(last.request.pages);
    expect(JSON.stringify(await pipeline.items())).not.toContain(benOpens.text);
  });

  it('does nothing on a redelivered message: no second page, no second audit entry', async () => {
    // Arrange
    const request = await start({ platform: 'facebook', authorId: RIA.id });
    const jobDeps = deps();
    const firstPage = await jobDeps.scan.page({ platform: 'facebook', authorId: RIA.id }, undefined);
    expect(await jobDeps.requests.advance(request.id, undefined, firstPage)).toBe(true);

    // Act
    const duplicateAdvance = await jobDeps.requests.advance(request.id, undefined, firstPage);
    const { last } = await runToEnd(request.id, jobDeps);
    const redelivered = await runErasureJob(request.id, jobDeps);

    // Assess
    expect(duplicateAdvance).toBe(false);
    expect(last.state).toBe('done');
    expect(redelivered).toEqual({ state: 'stale' });
    const audits = (await pipeline.items()).filter(
      (i) => i.PK === 'AUDIT#ERASURE' && (i.entry as { subject: string }).subject === request.subject,
    );
    expect(audits).toHaveLength(1);
    expect(JSON.stringify(await pipeline.items())).not.toContain(riaOpens.text);
  });

  it('after a crash between erasing and finishing, the rerun writes no second audit entry and keeps the counts', async () => {
    // Arrange: the first run erases and records the audit entry, then dies before the request is marked done.
    const request = await start({ platform: 'facebook', authorId: UWE.id });
    const real = deps();
    const crashing: ErasureJobDeps = {
      ...real,
      requests: {
        create: (r) => real.requests.create(r),
        get: (id) => real.requests.get(id),
        advance: (id, from, page) => real.requests.advance(id, from, page),
        finish: () => Promise.reject(new Error('Task timed out after 300.00 seconds')),
      },
    };
    for (;;) {
      let pages = 0;
      const run = runErasureJob(request.id, crashing, {
        shouldStop: () => pages >= PAGES_PER_RUN,
        onPage: () => void pages++,
      });
      const state = await run.then(
        (r) => r.state,
        (e: Error) => e.message,
      );
      if (state !== 'continue') {
        expect(state).toBe('Task timed out after 300.00 seconds');
        break;
      }
    }

    // Act: the message comes back, on a later day.
    const { last } = await runToEnd(request.id, { ...real, clock: fixedClock('2026-12-01T08:00:00.000Z') });

    // Assess
    const audits = (await pipeline.items()).filter(
      (i) => i.PK === 'AUDIT#ERASURE' && (i.entry as { subject: string }).subject === request.subject,
    );
    expect(audits).toHaveLength(1);
    expect(audits[0]?.entry).toMatchObject({ counts: { mentions: 2 } });
    expect(last.state).toBe('done');
    if (last.state !== 'done') return;
    expect(last.request.outcome).toMatchObject({
      erased: true,
      counts: { mentions: 2 },
      auditId: (audits[0]?.entry as { id?: string } | undefined)?.id,
    });
  });

  it('counts without erasing on a dry run and writes no audit entry', async () => {
    // Arrange
    const request = await start({ platform: 'facebook', authorId: OLAF.id }, true);

    // Act
    const { last } = await runToEnd(request.id, deps());

    // Assess
    expect(last.state).toBe('done');
    if (last.state !== 'done') return;
    expect(last.request.outcome).toMatchObject({ erased: true, counts: { mentions: 2, corrections: 1 } });
    expect(last.request.outcome).not.toHaveProperty('auditId');
    expect(JSON.stringify(await pipeline.items())).toContain(olafAgain.text);
  });
});
