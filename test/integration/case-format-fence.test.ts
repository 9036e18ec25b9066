import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { itemSize, writeUnits } from '../../bench/aws-requests.ts';
import { buildTopology } from '../../infra/topology.ts';
import { downgradeCases } from '../../shared/adapters/dynamodb/case-format-rollback.ts';
import { DynamoCaseRepository, keys } from '../../shared/adapters/dynamodb/index.ts';
import type { Case } from '../../shared/domain/case.ts';
import { applyCaseCommand } from '../../shared/domain/case-lifecycle.ts';
import { changeCase, type ChangeCaseDeps } from '../../shared/domain/change-case.ts';
import { eraseTracesFromCase } from '../../shared/domain/erasure.ts';
import { StaleCaseError } from '../../shared/domain/errors.ts';
import { caseFactory } from '../factories/case.ts';
import { demoConfig } from '../factories/config.ts';
import { fixedClock, InMemoryCaseEvents } from '../fakes/in-memory.ts';
import { startLocalTable } from '../support/local-table.ts';
import { PreviousReleaseCaseStore } from '../support/previous-release-case-store.ts';

const EXPIRES = 1_900_000_000;
const NOW = '2026-11-30T10:00:00.000Z';

/**
 * The case's format fence (shared/adapters/dynamodb/case-format.ts) against dynalite: a case
 * written by this release (format 3 since round w22, 2 before: the history packed, the lock in
 * `lock3`, `version` and `lock2` NULL) refuses every write of the release before the first fence (test/support/previous-release-case-store.ts:
 * its exact commands), so nothing of the case is lost while both releases run; a case that
 * release wrote (format 1) is read, written and upgraded by this one.
 */
describe('the case format fence against dynalite', () => {
  const topology = buildTopology(demoConfig());
  const tableName = topology.table.name;
  let local: Awaited<ReturnType<typeof startLocalTable>>;
  let cases: DynamoCaseRepository;
  let previous: PreviousReleaseCaseStore;

  beforeAll(async () => {
    local = await startLocalTable(topology.table);
    cases = new DynamoCaseRepository(local.documents, tableName);
    previous = new PreviousReleaseCaseStore(local.documents, tableName);
  });

  afterAll(async () => {
    await local.backend.stop();
  });

  async function rawItem(caseId: string): Promise<Record<string, unknown>> {
    const { Item } = await local.documents.send(
      new GetCommand({ TableName: tableName, Key: keys.case(caseId), ConsistentRead: true }),
    );
    return Item ?? {};
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

  /** A case as classify-mention opens it (assigned by round robin), then a comment joining it raises its priority. */
  function openedAndJoined(id: string): { opened: Case; joined: Case } {
    const opened = caseFactory({
      id,
      firstMentionId: 'facebook:104729381726354_901097836652708',
      title: 'Mein Lastenrad Hanse ist schon wieder kaputt, die Kette springt ständig ab und der Se',
      sentiment: 'negative',
      language: 'de',
      assignee: 'jana.kruse@radwerk-hansen.de',
      assignedReason: 'round robin: turn 7 of 3 members on duty (Jana Kruse)',
      state: 'assigned',
      history: [
        {
          transitionId: 'assign:facebook:104729381726354_901097836652708',
          at: '2026-11-30T09:00:01.000Z',
          actor: 'system:classify-mention',
          action: 'assign',
          from: 'new',
          to: 'assigned',
          detail: {
            assignee: 'jana.kruse@radwerk-hansen.de',
            reason: 'round robin: turn 7 of 3 members on duty (Jana Kruse)',
          },
        },
      ],
    });
    const { case: joined } = applyCaseCommand(
      opened,
      {
        type: 'apply-routing',
        mentionId: 'facebook:104729381726354_901097836652709',
        rules: ['vip-customers', 'cargo-bikes'],
        priority: 'high',
        dueAt: '2026-11-30T11:00:00.000Z',
        tags: ['key-account'],
        cc: ['sales'],
      },
      { transitionId: 'routing:facebook:104729381726354_901097836652709', actor: 'system:classify-mention', at: NOW },
    );
    return { opened, joined };
  }

  describe("the previous release's writes of a case this release wrote", () => {
    it('refuses its transition (the case read with no history and a NULL version): StaleCaseError, the history kept', async () => {
      // Arrange: this release opens the case and a joining mention adds a second history entry.
      const { opened, joined } = openedAndJoined('case_fence_transition');
      await cases.ensure(opened, EXPIRES);
      await cases.saveTransition(joined, 1, EXPIRES, opened);
      const before = await rawItem(joined.id);
      const asOldReadsIt = await previous.get(joined.id);

      // Act: an instance of the previous release resolves it, as handle-department or the admin API would.
      const attempt = changeCase(
        joined.id,
        { type: 'resolve' },
        { transitionId: 'api:old-release', actor: 'user:jana@example.de' },
        deps(previous),
      );

      // Assess
      expect(asOldReadsIt?.history).toBeUndefined();
      expect(asOldReadsIt?.version).toBeNull();
      await expect(attempt).rejects.toThrow(StaleCaseError);
      expect(await rawItem(joined.id)).toEqual(before);
      expect(await cases.get(joined.id)).toEqual(joined);
    });

    it('refuses the transition of an instance that read the case in the old format before this release upgraded it', async () => {
      // Arrange: the previous release created the case (format 1) and read it at version 1 ...
      const { opened, joined } = openedAndJoined('case_fence_read_before');
      await previous.create(opened, EXPIRES);
      const readByOld = (await previous.get(opened.id)) as Case;
      // ... then this release transitions (and upgrades) it.
      await cases.saveTransition(joined, 1, EXPIRES, await cases.get(opened.id));
      const { case: oldNext } = applyCaseCommand(
        readByOld,
        { type: 'resolve' },
        {
          transitionId: 'api:old-release',
          actor: 'user:jana@example.de',
          at: NOW,
        },
      );

      // Act
      const attempt = previous.saveTransition(oldNext, 1, EXPIRES);

      // Assess
      await expect(attempt).rejects.toThrow(StaleCaseError);
      expect(await cases.get(joined.id)).toEqual(joined);
    });

    it('refuses its first-response update (ADD on the NULL version) and changes nothing', async () => {
      // Arrange
      const { opened } = openedAndJoined('case_fence_response');
      await cases.ensure(opened, EXPIRES);
      const before = await rawItem(opened.id);

      // Act
      const attempt = previous.recordResponse(opened.id, { mentionId: 'facebook:own', at: NOW });

      // Assess
      await expect(attempt).rejects.toThrow(/data type|operand/i);
      expect(await rawItem(opened.id)).toEqual(before);
    });

    it("refuses its erasure's write, so the erasure fails (and is run again) instead of leaving the case half scrubbed", async () => {
      // Arrange
      const { opened } = openedAndJoined('case_fence_erasure');
      await cases.ensure(opened, EXPIRES);
      const before = await rawItem(opened.id);

      // Act
      const attempt = eraseTracesFromCase(
        opened.id,
        {
          platform: 'facebook',
          authorId: opened.authorId,
          mentionIds: [opened.firstMentionId],
          externalIds: [],
          words: [],
        },
        { cases: previous, expiresAt: EXPIRES },
      );

      // Assess
      await expect(attempt).rejects.toThrow(StaleCaseError);
      expect(await rawItem(opened.id)).toEqual(before);
    });
  });

  describe('a case the previous release wrote (format 1)', () => {
    it('is read as it was and upgraded by its next transition: lock3, the NULL version and lock2, the history packed and whole', async () => {
      // Arrange
      const { opened, joined } = openedAndJoined('case_fence_upgrade');
      await previous.create(opened, EXPIRES);

      // Act
      const read = await cases.get(opened.id);
      const outcome = await changeCase(
        opened.id,
        { type: 'resolve' },
        { transitionId: 'api:new-release', actor: 'user:jana@example.de' },
        deps(cases),
      );

      // Assess
      expect(read).toEqual(opened);
      const item = await rawItem(opened.id);
      expect(item).toMatchObject({ lock3: 2, lock2: null, version: null, state: 'resolved' });
      expect(item.history).toBeUndefined();
      expect(item.historyZ).toBeInstanceOf(Uint8Array);
      expect((await cases.get(opened.id))?.history?.map((e) => e.transitionId)).toEqual([
        joined.history?.[0]?.transitionId,
        'api:new-release',
      ]);
      expect(outcome.case.version).toBe(2);
    });

    it('gets a first response on its own lock (version), which a transition read before it then fails on', async () => {
      // Arrange
      const { opened } = openedAndJoined('case_fence_v1_response');
      await previous.create(opened, EXPIRES);
      const read = (await cases.get(opened.id)) as Case;

      // Act
      const first = await cases.recordResponse(opened.id, { mentionId: 'facebook:own', at: NOW }, EXPIRES);
      const { case: next } = applyCaseCommand(
        read,
        { type: 'resolve' },
        {
          transitionId: 'api:read-before',
          actor: 'user:jana@example.de',
          at: NOW,
        },
      );

      // Assess
      expect(first).toBe(NOW);
      expect(await rawItem(opened.id)).toMatchObject({ version: 2, firstResponseAt: NOW });
      expect((await rawItem(opened.id)).lock2).toBeUndefined();
      await expect(cases.saveTransition(next, 1, EXPIRES)).rejects.toThrow(StaleCaseError);
      expect(await cases.firstResponseAt(opened.id)).toBe(NOW);
    });
  });

  describe('a rollback past the fence (downgradeCases)', () => {
    it('writes format-2 cases back as format 1, after which the previous release reads their whole history and writes them', async () => {
      // Arrange: a case this release opened and joined (two history entries, packed).
      const { opened, joined } = openedAndJoined('case_fence_rollback');
      await cases.ensure(opened, EXPIRES);
      await cases.saveTransition(joined, 1, EXPIRES, opened);
      const dryRun = await downgradeCases(local.documents, tableName, { dryRun: true });
      const untouched = await rawItem(joined.id);

      // Act
      const outcome = await downgradeCases(local.documents, tableName);
      const resolved = await changeCase(
        joined.id,
        { type: 'resolve' },
        { transitionId: 'api:old-release-after-rollback', actor: 'user:jana@example.de' },
        deps(previous),
      );

      // Assess
      expect(untouched.historyZ).toBeInstanceOf(Uint8Array);
      expect(outcome.found).toBe(dryRun.found);
      expect(outcome).toMatchObject({ converted: outcome.found, changed: 0 });
      expect(resolved.applied).toBe(true);
      const item = await rawItem(joined.id);
      expect(item).toMatchObject({ version: 3, state: 'resolved' });
      expect(item.lock2).toBeUndefined();
      expect(item.historyZ).toBeUndefined();
      expect((item.history as { transitionId: string }[]).map((e) => e.transitionId)).toEqual([
        ...(joined.history ?? []).map((e) => e.transitionId),
        'api:old-release-after-rollback',
      ]);
      expect((await downgradeCases(local.documents, tableName)).found).toBe(0);
      expect((await cases.get(joined.id))?.history).toHaveLength(3);
    });
  });

  it("raises a case's lock3 with a first response, and keeps the earliest of two", async () => {
    // Arrange
    const { opened } = openedAndJoined('case_fence_v2_response');
    await cases.ensure(opened, EXPIRES);

    // Act
    const first = await cases.recordResponse(opened.id, { mentionId: 'facebook:own-2', at: NOW }, EXPIRES);
    const later = await cases.recordResponse(
      opened.id,
      { mentionId: 'facebook:own-3', at: '2026-11-30T10:30:00.000Z' },
      EXPIRES,
    );

    // Assess
    expect([first, later]).toEqual([NOW, NOW]);
    expect(await rawItem(opened.id)).toMatchObject({
      lock3: 2,
      lock2: null,
      version: null,
      firstResponseMentionId: 'facebook:own-2',
    });
    expect((await cases.get(opened.id))?.version).toBe(2);
  });

  it("keeps a case with a joining mention's routing entry under 1 KB (one write unit) where the list took two", async () => {
    // Arrange
    const { opened, joined } = openedAndJoined('case_fence_size');
    await cases.ensure(opened, EXPIRES);

    // Act
    await cases.saveTransition(joined, 1, EXPIRES, opened);
    const item = await rawItem(joined.id);

    // Assess
    expect(await cases.get(joined.id)).toEqual(joined);
    expect(writeUnits(itemSize(item))).toBe(1);
    const { historyZ: _packed, lock3: _lock, lock2: _retired, ...unpacked } = item;
    expect(writeUnits(itemSize({ ...unpacked, version: joined.version, history: joined.history }))).toBe(2);
  });
});
