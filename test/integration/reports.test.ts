import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { buildReport, dependenciesFrom as reportDependencies } from '../../functions/build-report/handler.ts';
import { createDocumentClient } from '../../shared/adapters/aws-clients.ts';
import { DynamoReportRepository } from '../../shared/adapters/dynamodb/index.ts';
import type { MentionRouted } from '../../shared/domain/events.ts';
import { demoConfig } from '../factories/config.ts';
import { mentionFactory } from '../factories/mention.ts';
import { HandlerPipeline } from '../support/handler-pipeline.ts';

const ADMIN_EMAIL = 'greta.voss@radwerk-hansen.example';
const ADMIN = { sub: 'sub-greta', email: ADMIN_EMAIL, name: 'Greta Voss' };

/**
 * Reports from the real handlers on the local table: mentions go through classify-mention
 * and handle-department, people answer and reroute through the admin API, and build-report
 * reads the tallies those writes left, stores the reports, writes them to the outbox and
 * moves its cursor.
 */
describe('reports built from what the pipeline recorded', () => {
  let pipeline: HandlerPipeline;
  let routed: MentionRouted[];
  let reroutedTo: string;

  beforeAll(async () => {
    // Only Date is faked: dynalite and the SDK keep their real timers. Thursday of 2026-W48.
    vi.useFakeTimers({ toFake: ['Date'], now: new Date('2026-11-26T12:00:00.000Z') });
    const demo = demoConfig();
    pipeline = await HandlerPipeline.start({
      ...demo,
      admin: { ...demo.admin, admins: [{ name: 'Greta Voss', email: ADMIN_EMAIL }] },
    });
    const thread = '104729381726354_611';
    const complaint = mentionFactory({ externalId: '611_1', threadId: thread, createdAt: '2026-11-26T09:00:00.000Z' });
    const reply = mentionFactory({
      externalId: '611_2',
      threadId: thread,
      text: 'Das tut uns leid, wir melden uns per DM.',
      isOwnAccount: true,
      createdAt: '2026-11-26T09:30:00.000Z',
      author: { id: '104729381726354', name: 'Radwerk Hansen' },
    });
    const press = mentionFactory({
      externalId: '612_1',
      threadId: '104729381726354_612',
      text: 'Ich bin Journalistin beim Hamburger Abendblatt und hätte eine Presseanfrage zu eurem Rückruf.',
      createdAt: '2026-11-25T10:00:00.000Z',
      author: { id: '3330003', name: 'Jette Presse' },
    });
    const idea = mentionFactory({
      externalId: '613_1',
      threadId: '104729381726354_613',
      text: 'Mein Lastenrad quietscht seit dem Kauf, bitte meldet euch.',
      createdAt: '2026-11-24T10:00:00.000Z',
      author: { id: '3330004', name: 'Ida Idee' },
    });
    await pipeline.deliver([complaint, press, idea]);
    await pipeline.deliver([reply]);
    routed = pipeline.published.published.filter((e) => e.role === 'primary');
    // A person moves the third mention's case to another department.
    const moved = routed.find((e) => e.mentionId.endsWith('613_1'))!;
    reroutedTo = moved.department === 'product' ? 'community' : 'product';
    const answer = await pipeline.call('POST /cases/{id}/reroute', {
      pathParameters: { id: moved.caseId },
      body: { department: reroutedTo, reason: 'belongs there' },
      claims: ADMIN,
    });
    if (answer.status !== 200) throw new Error(`reroute answered ${answer.status}: ${JSON.stringify(answer.body)}`);
  });

  afterAll(async () => {
    vi.useRealTimers();
    await pipeline.stop();
  });

  it('counts every mention once in the department where its case ended, answers in public, and sends each report once', async () => {
    // Act: the Monday run of the weekly schedule
    vi.setSystemTime(new Date('2026-11-30T06:00:00.000Z'));
    const deps = reportDependencies(pipeline.env);
    const result = await buildReport({ report: 'weekly', scheduledTime: '2026-11-30T06:00:00Z' }, deps);

    // Assess: the stored management report
    expect(result.periods.map((p) => p.period)).toEqual(['2026-W48']);
    expect(result.periods[0]!.sent).toContain(
      'weekly#2026-W48#management@email:geschaeftsfuehrung@radwerk-hansen.example',
    );
    const store = new DynamoReportRepository(createDocumentClient(pipeline.env), pipeline.tableName);
    const report = (await store.getReport('weekly', '2026-W48', 'management'))!;
    const mentions = new Set(routed.map((e) => e.mentionId));
    expect(report.total).toBe(mentions.size);
    const expected = new Map<string, number>();
    for (const e of routed) {
      const department = e.mentionId.endsWith('613_1') ? reroutedTo : e.department;
      expected.set(department, (expected.get(department) ?? 0) + 1);
    }
    for (const d of report.departments) expect([d.id, d.total]).toEqual([d.id, expected.get(d.id) ?? 0]);
    const answered = routed.find((e) => e.mentionId.endsWith('611_1'))!.department;
    expect(report.departments.find((d) => d.id === answered)).toMatchObject({
      responded: 1,
      answeredPublicly: 1,
      slaCompliance: 1,
    });
    // The theme and spike stores answer (the sections are there, empty or not): nothing is missing.
    expect(report.unavailable).toEqual([]);
    expect(Array.isArray(report.themes) && Array.isArray(report.spikes)).toBe(true);
    expect(await store.lastReported('weekly')).toBe('2026-W48');

    // Assess: delivered into the outbox, the management report as an HTML file with its charts
    const html = await readFile(path.join(pipeline.outboxDir, 'reports', 'weekly-2026-W48-management.html'), 'utf8');
    expect(html).toContain('Weekly report 2026-W48');
    expect(html).toMatch(/<img src="data:image\/png;base64,/);
    const deliveries = (await readFile(path.join(pipeline.outboxDir, 'reports.jsonl'), 'utf8')).trim().split('\n');
    expect(deliveries.length).toBe(result.periods[0]!.sent.length);

    // Act + Assess: the same run again (a retry) and a rebuild by hand send nothing more
    const again = await buildReport({ report: 'weekly', scheduledTime: '2026-11-30T06:00:00Z' }, deps);
    const rebuilt = await buildReport({ report: 'weekly', week: '2026-W48' }, deps);
    expect(again.periods).toEqual([]);
    expect(rebuilt.periods[0]).toMatchObject({ sent: [], skipped: result.periods[0]!.sent });
    expect((await readFile(path.join(pipeline.outboxDir, 'reports.jsonl'), 'utf8')).trim().split('\n')).toHaveLength(
      deliveries.length,
    );
  });
});
