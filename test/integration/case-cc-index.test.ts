import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTopology } from '../../infra/topology.ts';
import { downgradeCases } from '../../shared/adapters/dynamodb/case-format-rollback.ts';
import { putRef } from '../../shared/adapters/dynamodb/case-refs.ts';
import { DynamoCaseRepository, keys } from '../../shared/adapters/dynamodb/index.ts';
import type { Case } from '../../shared/domain/case.ts';
import { changeCase, type ChangeCaseDeps } from '../../shared/domain/change-case.ts';
import { StaleCaseError } from '../../shared/domain/errors.ts';
import type { CaseRepository } from '../../shared/domain/ports.ts';
import { caseFactory } from '../factories/case.ts';
import { demoConfig } from '../factories/config.ts';
import { fixedClock, InMemoryCaseEvents } from '../fakes/in-memory.ts';
import { Format2ReleaseCaseStore } from '../support/format2-release-case-store.ts';
import { startLocalTable } from '../support/local-table.ts';
import { PreviousReleaseCaseStore } from '../support/previous-release-case-store.ts';

const EXPIRES = 1_900_000_000;
const NOW = '2026-11-30T10:00:00.000Z';
const topology = buildTopology(demoConfig());
const tableName = topology.table.name;

/** A dynalite table of the demo topology's, with this release's case store, the format-2 release's, and an item as stored. */
async function startCaseTable() {
  const local = await startLocalTable(topology.table);
  return {
    local,
    cases: new DynamoCaseRepository(local.documents, tableName),
    format2: new Format2ReleaseCaseStore(local.documents, tableName),
    async rawItem(caseId: string): Promise<Record<string, unknown>> {
      const { Item } = await local.documents.send(
        new GetCommand({ TableName: tableName, Key: keys.case(caseId), ConsistentRead: true }),
      );
      return Item ?? {};
    },
  };
}
type CaseTable = Awaited<ReturnType<typeof startCaseTable>>;

/**
 * A case's first cc department listed by the case item's own GSI3 entry (case format 3, round
 * w22) against dynalite: the cc listings read it and the refs (of further cc departments, and
 * of cases an earlier release wrote) without doubles; the release before (format 2, its exact
 * commands in test/support/format2-release-case-store.ts) is refused on such a case; and
 * `case-format --down` gives the department its ref back, after which that release lists and
 * writes the case again.
 */
describe('the first cc department in the case index (GSI3) against dynalite', () => {
  let local: CaseTable['local'];
  let cases: CaseTable['cases'];
  let format2: CaseTable['format2'];
  let rawItem: CaseTable['rawItem'];

  beforeAll(async () => {
    ({ local, cases, format2, rawItem } = await startCaseTable());
  });

  afterAll(async () => {
    await local.backend.stop();
  });

  async function refsOf(caseId: string): Promise<string[]> {
    const { Items = [] } = await local.documents.send(
      new QueryCommand({
        TableName: tableName,
        KeyConditionExpression: 'PK = :pk AND begins_with(SK, :ref)',
        ExpressionAttributeValues: { ':pk': keys.case(caseId).PK, ':ref': keys.caseRefPrefix },
        ConsistentRead: true,
      }),
    );
    return Items.map((i) => `${i.SK} ${i.GSI1PK}`);
  }

  /** Every page of a cc listing, `limit` cases a page. */
  async function ccListing(department: string, limit: number, extra: { dueBefore?: string } = {}): Promise<string[]> {
    const ids: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await cases.listCases({ department, role: 'cc', limit, ...extra, ...(cursor ? { cursor } : {}) });
      ids.push(...page.items.map((c) => c.id));
      cursor = page.cursor;
    } while (cursor);
    return ids;
  }

  function deps(store: ChangeCaseDeps['cases']): ChangeCaseDeps {
    return {
      companyId: 'demo',
      retentionDays: 30,
      cases: store,
      events: new InMemoryCaseEvents(),
      clock: fixedClock(NOW),
    };
  }

  const resolve = (caseId: string, store: ChangeCaseDeps['cases'], transitionId: string) =>
    changeCase(caseId, { type: 'resolve' }, { transitionId, actor: 'user:jana@example.de' }, deps(store));

  it('lists a case under its first cc by its own index entry and under the second by a ref, following its state', async () => {
    // Arrange
    const named = await cases.ensure(
      caseFactory({ id: 'case_cc_two', department: 'service', cc: ['legal', 'service', 'press'] }),
      EXPIRES,
    );

    // Act
    const before = { legal: await ccListing('legal', 50), press: await ccListing('press', 50) };
    await resolve(named.id, cases, 'api:resolve-two');
    const resolved = await cases.listCases({ department: 'legal', role: 'cc', states: ['resolved'] });
    const resolvedPress = await cases.listCases({ department: 'press', role: 'cc', states: ['resolved'] });

    // Assess
    expect(before).toEqual({ legal: [named.id], press: [named.id] });
    expect(await ccListing('legal', 50)).toEqual([]);
    expect(resolved.items.map((c) => c.id)).toEqual([named.id]);
    expect(resolvedPress.items.map((c) => c.id)).toEqual([named.id]);
    expect(await rawItem(named.id)).toMatchObject({
      GSI3PK: 'DEPT#legal#cc#resolved',
      GSI1SK: `${named.dueAt}#${named.id}`,
    });
    expect(await refsOf(named.id)).toEqual(['REF#cc#press DEPT#press#cc#resolved']);
  });

  it("lists a case the release before wrote (a ref for every cc) and moves its first cc onto the case's entry at its next change", async () => {
    // Arrange
    const old = caseFactory({ id: 'case_cc_format2', cc: ['sales'], dueAt: '2026-11-30T12:00:00.000Z' });
    await format2.create(old, EXPIRES);
    const listedBefore = await ccListing('sales', 50);
    const refsBefore = await refsOf(old.id);

    // Act
    await changeCase(
      old.id,
      { type: 'assign', assignee: 'ole@example.de', reason: 'test' },
      { transitionId: 'api:assign-format2', actor: 'user:x' },
      deps(cases),
    );

    // Assess
    expect(listedBefore).toEqual([old.id]);
    expect(refsBefore).toEqual(['REF#cc#sales DEPT#sales#cc#new']);
    expect(await refsOf(old.id)).toEqual([]);
    expect(await rawItem(old.id)).toMatchObject({ lock3: 2, lock2: null, GSI3PK: 'DEPT#sales#cc#assigned' });
    expect(await cases.listCases({ department: 'sales', role: 'cc', states: ['assigned'] })).toMatchObject({
      items: [expect.objectContaining({ id: old.id, assignee: 'ole@example.de' })],
    });
  });

  it('merges the index entries and the refs by due time, page by page, each case once', async () => {
    // Arrange: in "product": one case by its own entry, one of the release before by its ref,
    // one naming product second (a ref), and the first again with a ref beside its entry (as a
    // rollback step cut short leaves it).
    const first = await cases.ensure(
      caseFactory({ id: 'case_merge_1', cc: ['product'], dueAt: '2026-12-01T09:00:00.000Z' }),
      EXPIRES,
    );
    await format2.create(
      caseFactory({ id: 'case_merge_2', cc: ['product'], dueAt: '2026-12-01T10:00:00.000Z' }),
      EXPIRES,
    );
    await cases.ensure(
      caseFactory({ id: 'case_merge_3', cc: ['press', 'product'], dueAt: '2026-12-01T11:00:00.000Z' }),
      EXPIRES,
    );
    await putRef(
      local.documents,
      tableName,
      keys.case(first.id).PK,
      first.id,
      {
        SK: keys.caseRef(first.id, 'cc', 'product').SK,
        GSI1PK: 'DEPT#product#cc#new',
        GSI1SK: `${first.dueAt}#${first.id}`,
      },
      EXPIRES,
    );

    // Act
    const byOne = await ccListing('product', 1);
    const byTwo = await ccListing('product', 2);
    const all = await ccListing('product', 50);
    const dueByHalfPastTen = await ccListing('product', 1, { dueBefore: '2026-12-01T10:30:00.000Z' });

    // Assess
    const inOrder = ['case_merge_1', 'case_merge_2', 'case_merge_3'];
    expect(byOne).toEqual(inOrder);
    expect(byTwo).toEqual(inOrder);
    expect(all).toEqual(inOrder);
    expect(dueByHalfPastTen).toEqual(['case_merge_1', 'case_merge_2']);
  });

  it('skips an entry its case has moved on from (a stale ref of an earlier due time)', async () => {
    // Arrange: a ref left at an earlier due time, which the case's own entry no longer has.
    const c = await cases.ensure(
      caseFactory({ id: 'case_stale_ref', cc: ['community'], dueAt: '2026-12-02T09:00:00.000Z' }),
      EXPIRES,
    );
    await putRef(
      local.documents,
      tableName,
      keys.case(c.id).PK,
      c.id,
      {
        SK: keys.caseRef(c.id, 'cc', 'community').SK,
        GSI1PK: 'DEPT#community#cc#new',
        GSI1SK: `2026-12-01T08:00:00.000Z#${c.id}`,
      },
      EXPIRES,
    );

    // Act
    const listed = await ccListing('community', 1);

    // Assess
    expect(listed).toEqual([c.id]);
  });

  describe('the release before (format 2) against a case of format 3', () => {
    it('refuses its transition, which would drop the index entry, and leaves the case as it was and listed', async () => {
      // Arrange
      const c = await cases.ensure(caseFactory({ id: 'case_fence3_transition', cc: ['legal'] }), EXPIRES);
      const before = await rawItem(c.id);
      const asItReadsIt = (await format2.get(c.id)) as Case;

      // Act
      const attempt = resolve(c.id, format2, 'api:format2-release');

      // Assess
      expect(asItReadsIt.version).toBeUndefined();
      await expect(attempt).rejects.toThrow(StaleCaseError);
      await expect(
        format2.saveTransition({ ...asItReadsIt, state: 'resolved', version: 2 }, 1, EXPIRES),
      ).rejects.toThrow(StaleCaseError);
      expect(await rawItem(c.id)).toEqual(before);
      expect(await ccListing('legal', 50)).toContain(c.id);
    });

    it('refuses its first response (ADD on the NULL lock2) and changes nothing', async () => {
      // Arrange
      const c = await cases.ensure(caseFactory({ id: 'case_fence3_response', cc: ['legal'] }), EXPIRES);
      const before = await rawItem(c.id);

      // Act
      const attempt = format2.recordResponse(c.id, { mentionId: 'facebook:own', at: NOW });

      // Assess
      await expect(attempt).rejects.toThrow(/data type|operand/i);
      expect(await rawItem(c.id)).toEqual(before);
    });
  });

  it('raises the lock a case of format 2 has (lock2) with a first response, and then upgrades it', async () => {
    // Arrange
    const c = caseFactory({ id: 'case_format2_response', cc: ['legal'] });
    await format2.create(c, EXPIRES);

    // Act
    const first = await cases.recordResponse(c.id, { mentionId: 'facebook:own-2', at: NOW }, EXPIRES);
    const later = await cases.recordResponse(
      c.id,
      { mentionId: 'facebook:own-3', at: '2026-11-30T11:00:00.000Z' },
      EXPIRES,
    );
    const afterResponse = await rawItem(c.id);
    await resolve(c.id, cases, 'api:after-response');

    // Assess
    expect([first, later]).toEqual([NOW, NOW]);
    expect(afterResponse).toMatchObject({ lock2: 2, version: null, firstResponseMentionId: 'facebook:own-2' });
    expect(afterResponse.lock3).toBeUndefined();
    expect(await rawItem(c.id)).toMatchObject({ lock3: 3, lock2: null, firstResponseAt: NOW });
  });
});

describe('a rollback past format 3 (case-format --down) against dynalite', () => {
  let local: CaseTable['local'];
  let cases: CaseTable['cases'];
  let format2: CaseTable['format2'];
  let rawItem: CaseTable['rawItem'];

  beforeAll(async () => {
    ({ local, cases, format2, rawItem } = await startCaseTable());
  });

  afterAll(async () => {
    await local.backend.stop();
  });

  const deps = (store: CaseRepository | Format2ReleaseCaseStore | PreviousReleaseCaseStore): ChangeCaseDeps => ({
    companyId: 'demo',
    retentionDays: 30,
    cases: store as ChangeCaseDeps['cases'],
    events: new InMemoryCaseEvents(),
    clock: fixedClock(NOW),
  });

  it('--to 2 gives the first cc its ref back: the release before lists and writes the case, and this release takes it over again', async () => {
    // Arrange
    const c = await cases.ensure(
      caseFactory({ id: 'case_down_to_2', cc: ['legal', 'press'], state: 'assigned', assignee: 'ole@example.de' }),
      EXPIRES,
    );
    const dryRun = await downgradeCases(local.documents, tableName, { dryRun: true, to: 2 });
    const listedByItBefore = await format2.ccCaseIds('legal', 'assigned');

    // Act
    const outcome = await downgradeCases(local.documents, tableName, { to: 2 });
    const listedByItAfter = await format2.ccCaseIds('legal', 'assigned');
    const itsChange = await changeCase(
      c.id,
      { type: 'resolve' },
      { transitionId: 'api:format2-after-rollback', actor: 'user:jana@example.de' },
      deps(format2),
    );
    const listedByUs = await cases.listCases({ department: 'legal', role: 'cc', states: ['resolved'] });
    const downgraded = await rawItem(c.id);
    await changeCase(
      c.id,
      { type: 'reopen', note: 'again', dueAt: '2026-11-30T15:00:00.000Z' },
      { transitionId: 'api:forward-again', actor: 'user:jana@example.de' },
      deps(cases),
    );

    // Assess
    expect(listedByItBefore).toEqual([]);
    expect(dryRun).toMatchObject({ found: 1, converted: 0 });
    expect(outcome).toEqual({ found: 1, converted: 1, changed: 0 });
    expect(listedByItAfter).toEqual([c.id]);
    expect(itsChange.applied).toBe(true);
    expect(downgraded).toMatchObject({ lock2: 2, version: null, state: 'resolved' });
    expect(downgraded.lock3).toBeUndefined();
    expect(downgraded.GSI3PK).toBeUndefined();
    expect(listedByUs.items.map((x) => x.id)).toEqual([c.id]);
    const forward = await rawItem(c.id);
    expect(forward).toMatchObject({ lock3: 3, lock2: null, GSI3PK: expect.stringMatching(/^DEPT#legal#cc#/) });
    const { Items = [] } = await local.documents.send(
      new QueryCommand({
        TableName: tableName,
        KeyConditionExpression: 'PK = :pk AND begins_with(SK, :ref)',
        ExpressionAttributeValues: { ':pk': keys.case(c.id).PK, ':ref': keys.caseRefPrefix },
        ConsistentRead: true,
      }),
    );
    expect(Items.map((i) => i.SK)).toEqual(['REF#cc#press']);
    expect((await downgradeCases(local.documents, tableName, { to: 2, dryRun: true })).found).toBe(1);
  });

  it('--to 1 (the default) writes a case of format 3 as the first release wrote it, its ref beside it', async () => {
    // Arrange
    const c = await cases.ensure(caseFactory({ id: 'case_down_to_1', cc: ['sales'] }), EXPIRES);
    await changeCase(
      c.id,
      { type: 'assign', assignee: 'ole@example.de', reason: 'test' },
      { transitionId: 'api:assign', actor: 'user:x' },
      deps(cases),
    );

    // Act
    await downgradeCases(local.documents, tableName);
    const oldest = new PreviousReleaseCaseStore(local.documents, tableName);
    const itsChange = await changeCase(
      c.id,
      { type: 'resolve' },
      { transitionId: 'api:oldest-after-rollback', actor: 'user:jana@example.de' },
      deps(oldest),
    );

    // Assess
    const item = await rawItem(c.id);
    expect(itsChange.applied).toBe(true);
    expect(item).toMatchObject({ version: 3, state: 'resolved' });
    expect(item.lock3).toBeUndefined();
    expect(item.lock2).toBeUndefined();
    expect(item.GSI3PK).toBeUndefined();
    expect((item.history as unknown[]).length).toBe(2);
    expect((await downgradeCases(local.documents, tableName, { dryRun: true })).found).toBe(0);
    const { Item: ref } = await local.documents.send(
      new GetCommand({ TableName: tableName, Key: keys.caseRef(c.id, 'cc', 'sales'), ConsistentRead: true }),
    );
    expect(ref).toMatchObject({ GSI1PK: 'DEPT#sales#cc#assigned', GSI1SK: `${c.dueAt}#${c.id}` });
  });
});
