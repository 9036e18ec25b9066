import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTopology } from '../../infra/topology.ts';
import { DynamoCaseRepository, DynamoReportRepository, keys } from '../../shared/adapters/dynamodb/index.ts';
import { listApprovals, listCaseSummaries } from '../../shared/domain/case-queries.ts';
import { changeCase, type ChangeCaseDeps } from '../../shared/domain/change-case.ts';
import { ForbiddenError } from '../../shared/domain/errors.ts';
import { buildReports } from '../../shared/domain/reports/build-reports.ts';
import { periodOf } from '../../shared/domain/reports/period.ts';
import { getStoredReport, listReports } from '../../shared/domain/reports/report-queries.ts';
import { caseFactory } from '../factories/case.ts';
import { demoConfig } from '../factories/config.ts';
import { fixedClock, InMemoryCaseEvents, InMemoryCases, InMemoryMetrics } from '../fakes/in-memory.ts';
import { InMemoryTallies } from '../fakes/reports.ts';
import { startLocalTable } from '../support/local-table.ts';

const EXPIRES = 1_900_000_000;
const NOW = '2026-11-30T10:00:00.000Z';
const TIM = 'tim.osterloh@radwerk-hansen.example'; // member of press (approves)
const OLE = 'ole.hansen@radwerk-hansen.example'; // member of service
const JONAS = 'jonas.meyer@radwerk-hansen.example'; // member of legal
const AYLIN = 'aylin.demir@radwerk-hansen.example'; // leads service

/**
 * The console's listings against a real dynalite table: the entries of the departments a
 * case names (its first cc on the case's GSI3 entry; further cc and the approver by ref items) follow its changes and cost nothing for a case that names
 * nobody; stored reports are listed and read by id.
 */
describe('console listings against dynalite', () => {
  const config = demoConfig();
  const topology = buildTopology(config);
  const tableName = topology.table.name;
  let local: Awaited<ReturnType<typeof startLocalTable>>;
  let cases: DynamoCaseRepository;
  let change: ChangeCaseDeps;

  beforeAll(async () => {
    local = await startLocalTable(topology.table);
    cases = new DynamoCaseRepository(local.documents, tableName);
    change = { companyId: 'demo', retentionDays: 365, cases, events: new InMemoryCaseEvents(), clock: fixedClock(NOW) };
  });

  afterAll(async () => {
    await local.backend.stop();
  });

  const refsOf = async (caseId: string) => {
    const { Items } = await local.documents.send(
      new QueryCommand({
        TableName: tableName,
        KeyConditionExpression: 'PK = :pk AND begins_with(SK, :ref)',
        ExpressionAttributeValues: { ':pk': keys.case(caseId).PK, ':ref': keys.caseRefPrefix },
      }),
    );
    return (Items ?? []).map((i) => `${i.SK} ${i.GSI1PK}`);
  };
  const ccEntryOf = async (caseId: string) => {
    const { Item } = await local.documents.send(new GetCommand({ TableName: tableName, Key: keys.case(caseId) }));
    return Item?.GSI3PK;
  };
  const deps = () => ({ config, cases, clock: fixedClock(NOW) });
  const by = (email: string) => ({ sub: email, email });

  it('writes no ref item for a case that names no other department', async () => {
    // Arrange / Act
    const plain = await cases.ensure(caseFactory({ id: 'case_10000000000000000001' }), EXPIRES);
    await changeCase(
      plain.id,
      { type: 'assign', assignee: OLE, reason: 'test' },
      { transitionId: 't1', actor: 'user:x' },
      change,
    );

    // Assess
    expect(await refsOf(plain.id)).toEqual([]);
  });

  it('lists a case under its cc department, following its state, for that department only', async () => {
    // Arrange
    const named = await cases.ensure(caseFactory({ id: 'case_10000000000000000002', cc: ['legal'] }), EXPIRES);

    // Act
    const open = await listCaseSummaries({ department: 'legal', role: 'cc' }, by(JONAS), deps());
    await changeCase(named.id, { type: 'resolve' }, { transitionId: 't2', actor: 'user:x' }, change);
    const openAfter = await listCaseSummaries({ department: 'legal', role: 'cc' }, by(JONAS), deps());
    const resolved = await listCaseSummaries(
      { department: 'legal', role: 'cc', states: ['resolved'] },
      by(JONAS),
      deps(),
    );

    // Assess
    expect(open.cases.map((c) => c.id)).toEqual([named.id]);
    expect(openAfter.cases).toEqual([]);
    expect(resolved.cases.map((c) => c.id)).toEqual([named.id]);
    // Its first (and only) cc department is listed by the case item's own GSI3 entry: no ref item (round w22).
    expect(await refsOf(named.id)).toEqual([]);
    expect(await ccEntryOf(named.id)).toEqual('DEPT#legal#cc#resolved');
    await expect(listCaseSummaries({ department: 'legal', role: 'cc' }, by(OLE), deps())).rejects.toThrow(
      ForbiddenError,
    );
  });

  it('lists a draft for its approving department until it is approved', async () => {
    // Arrange
    const c = await cases.ensure(
      caseFactory({
        id: 'case_10000000000000000003',
        requireApproval: true,
        approverDepartment: 'press',
        assignee: OLE,
        state: 'assigned',
      }),
      EXPIRES,
    );
    const refsBefore = await refsOf(c.id);

    // Act
    await changeCase(
      c.id,
      { type: 'draft-reply', replyId: 'reply_a', text: 'Das tut uns leid.' },
      { transitionId: 't3', actor: `user:${OLE}` },
      change,
    );
    const waiting = await listApprovals(by(TIM), deps());
    const queue = await listCaseSummaries({ department: 'press', role: 'approver' }, by(TIM), deps());
    const refsWhileWaiting = await refsOf(c.id);
    await changeCase(
      c.id,
      { type: 'approve-reply', replyId: 'reply_a', approverIsMember: true },
      { transitionId: 't4', actor: `user:${TIM}` },
      change,
    );
    const after = await listApprovals(by(TIM), deps());

    // Assess
    expect(refsBefore).toEqual([]);
    expect(waiting.replies).toEqual([
      expect.objectContaining({
        caseId: c.id,
        replyId: 'reply_a',
        text: 'Das tut uns leid.',
        draftedBy: `user:${OLE}`,
        approver: 'press',
      }),
    ]);
    expect(queue.cases).toEqual([expect.objectContaining({ id: c.id, waitingForApproval: true, needsApproval: true })]);
    expect(refsWhileWaiting).toEqual(['REF#approver#press DEPT#press#approver']);
    expect(after.replies).toEqual([]);
    expect(await refsOf(c.id)).toEqual([]);
  });

  it('lists the stored reports a person may read and gives one by id', async () => {
    // Arrange: the real report builder over empty figures, stored in the table
    const reports = new DynamoReportRepository(local.documents, tableName);
    const inMemoryCases = new InMemoryCases();
    const built = await buildReports(periodOf('weekly', '2026-W48'), {
      company: { id: 'demo', name: 'Radwerk Hansen', timezone: 'Europe/Berlin' },
      departments: config.departments,
      tallies: new InMemoryTallies(),
      histograms: new InMemoryMetrics(),
      cases: inMemoryCases,
      clock: fixedClock(NOW),
    });
    for (const report of built) await reports.putReport(report, EXPIRES);
    const reportDeps = { config, reports, clock: fixedClock(NOW) };

    // Act
    const forAylin = await listReports({ period: 'week', limit: 2 }, by(AYLIN), reportDeps);
    const forOle = await listReports({}, by(OLE), reportDeps);
    const one = await getStoredReport('weekly:2026-W48:service', by(OLE), reportDeps);
    const management = getStoredReport('weekly:2026-W48:management', by(OLE), reportDeps);

    // Assess
    expect(forAylin.reports.map((r) => r.id)).toEqual(['weekly:2026-W48:management', 'weekly:2026-W48:service']);
    expect(forAylin.reports[0]).toMatchObject({
      scope: 'management',
      period: 'week',
      from: '2026-11-23',
      to: '2026-11-29',
    });
    expect(forOle.reports.map((r) => r.id)).toEqual(['weekly:2026-W48:service']);
    expect(one).toMatchObject({ kind: 'weekly', audience: 'service', period: { id: '2026-W48' } });
    await expect(management).rejects.toThrow(/only admins and department leads may read the management report/);
  });
});
