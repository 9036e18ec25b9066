import { GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTopology } from '../../infra/topology.ts';
import {
  DynamoAssignmentCursor,
  DynamoCaseRepository,
  DynamoMetricRepository,
  DynamoNotificationLog,
  GSI1,
  keys,
} from '../../shared/adapters/dynamodb/index.ts';
import type { Case, CaseState } from '../../shared/domain/case.ts';
import { applyCaseCommand } from '../../shared/domain/case-lifecycle.ts';
import { changeCase, type ChangeCaseDeps } from '../../shared/domain/change-case.ts';
import { StaleCaseError, ValidationError } from '../../shared/domain/errors.ts';
import type { CaseRepository } from '../../shared/domain/ports.ts';
import { TRIAGE_TAG } from '../../shared/domain/triage.ts';
import { caseFactory } from '../factories/case.ts';
import { demoConfig } from '../factories/config.ts';
import { fixedClock, InMemoryCaseEvents } from '../fakes/in-memory.ts';
import { startLocalTable } from '../support/local-table.ts';

const EXPIRES = 1_900_000_000;
const NOW = '2026-11-30T10:00:00.000Z';
const ctx = { transitionId: 'api:req-1', actor: 'user:jana@example.de', at: NOW };

/**
 * The case store against a real dynalite table with real SDK clients: versions and
 * conditional writes, the department index by state and due time, and the counters.
 */
describe('case store against dynalite', () => {
  const topology = buildTopology(demoConfig());
  const tableName = topology.table.name;
  let local: Awaited<ReturnType<typeof startLocalTable>>;
  let cases: DynamoCaseRepository;

  beforeAll(async () => {
    local = await startLocalTable(topology.table);
    cases = new DynamoCaseRepository(local.documents, tableName);
  });

  afterAll(async () => {
    await local.backend.stop();
  });

  async function rawItem(caseId: string) {
    const { Item } = await local.documents.send(new GetCommand({ TableName: tableName, Key: keys.case(caseId) }));
    return Item;
  }

  async function listAll(department: string, states?: readonly CaseState[], dueBefore?: string, limit = 2) {
    const pages: string[][] = [];
    let cursor: string | undefined;
    do {
      const page = await cases.listCases({
        department,
        ...(states ? { states } : {}),
        ...(dueBefore ? { dueBefore } : {}),
        limit,
        ...(cursor ? { cursor } : {}),
      });
      pages.push(page.items.map((c) => c.id));
      cursor = page.cursor;
    } while (cursor);
    return pages;
  }

  describe('ensure and get', () => {
    it('creates the case at version 1, indexed by department, state and due time', async () => {
      const c = caseFactory({ id: 'case_ensure', version: undefined, dueAt: '2026-11-30T13:00:00.000Z' });

      const stored = await cases.ensure(c, EXPIRES);

      expect(stored.version).toBe(1);
      expect(await rawItem('case_ensure')).toMatchObject({
        // Format 3 (case-format.ts): the lock in lock3, `version` and `lock2` held as NULL (the fence).
        lock3: 1,
        lock2: null,
        version: null,
        GSI1PK: 'DEPT#service#new',
        GSI1SK: '2026-11-30T13:00:00.000Z#case_ensure',
        type: 'case',
        expiresAt: EXPIRES,
      });
    });

    it('returns the stored case when it exists already', async () => {
      await cases.ensure(caseFactory({ id: 'case_twice', department: 'service' }), EXPIRES);

      const again = await cases.ensure(caseFactory({ id: 'case_twice', department: 'sales' }), EXPIRES);

      expect(again.department).toBe('service');
    });

    it('reads back every field of a case with its whole lifecycle', async () => {
      const full: Case = caseFactory({
        id: 'case_full',
        cc: ['press'],
        state: 'responded',
        version: 7,
        generation: 2,
        tags: ['crisis', 'key-account'],
        assignee: 'jana@example.de',
        assignedReason: 'round robin',
        requireApproval: true,
        approverDepartment: 'press',
        firstResponseAt: '2026-11-30T09:40:00.000Z',
        responseMinutes: 40,
        responseBusinessMinutes: 35,
        resolvedAt: '2026-11-30T11:00:00.000Z',
        resolutionMinutes: 120,
        reopenedAt: '2026-11-30T11:30:00.000Z',
        slaWarnedAt: '2026-11-30T12:30:00.000Z',
        breachedAt: '2026-11-30T13:00:00.000Z',
        escalatedAt: '2026-11-30T13:00:00.000Z',
        escalatedTo: ['press', 'legal'],
        reply: {
          id: 'reply-1',
          text: 'Wir kümmern uns.',
          draftedBy: 'user:tom@example.de',
          draftedAt: '2026-11-30T09:20:00.000Z',
          approvedBy: 'user:pia@example.de',
          approvedAt: '2026-11-30T09:30:00.000Z',
          sentBy: 'user:tom@example.de',
          sentAt: '2026-11-30T09:40:00.000Z',
        },
        corrections: [
          {
            from: 'sales',
            to: 'service',
            by: 'user:pia@example.de',
            at: '2026-11-30T09:05:00.000Z',
            reason: 'a complaint',
            category: 'complaint',
          },
        ],
        history: [
          {
            transitionId: 'assign:1',
            at: '2026-11-30T09:01:00.000Z',
            actor: 'system:handle-department',
            action: 'assign',
            from: 'new',
            to: 'assigned',
            detail: { assignee: 'jana@example.de' },
          },
          {
            transitionId: 'own-reply:x',
            at: '2026-11-30T09:40:00.000Z',
            actor: 'platform:x',
            action: 'respond',
            from: 'assigned',
            to: 'responded',
          },
        ],
      });

      await cases.ensure(full, EXPIRES);

      expect(await cases.get('case_full')).toEqual(full);
    });
  });

  describe('getMany', () => {
    it('reads the cases of more than 100 ids, each as get reads it, leaving out the missing ones', async () => {
      // Arrange: 120 cases of the current format, one stored before versions, and ids of none.
      const ids = Array.from({ length: 120 }, (_, n) => `case_many_${String(n).padStart(3, '0')}`);
      for (const id of ids) await cases.ensure(caseFactory({ id, priority: 'high' }), EXPIRES);
      const legacy = caseFactory({ id: 'case_many_legacy', version: undefined, generation: undefined });
      await local.documents.send(
        new PutCommand({
          TableName: tableName,
          Item: { ...keys.case(legacy.id), GSI1PK: keys.legacyOpenCasesOf('service'), type: 'case', ...legacy },
        }),
      );

      // Act
      const found = await cases.getMany([...ids, legacy.id, 'case_many_none', ids[0] as string]);

      // Assess
      expect(found.size).toBe(121);
      expect(found.get('case_many_none')).toBeUndefined();
      expect(found.get(ids[119] as string)).toEqual(await cases.get(ids[119] as string));
      expect(found.get(legacy.id)).toEqual(await cases.get(legacy.id));
    });
  });

  describe('saveTransition', () => {
    it('writes the transition over the version it was read at', async () => {
      const c = await cases.ensure(caseFactory({ id: 'case_save' }), EXPIRES);
      const { case: next } = applyCaseCommand(
        c,
        { type: 'assign', assignee: 'jana@example.de', reason: 'round robin' },
        ctx,
      );

      await cases.saveTransition(next, 1, EXPIRES);

      expect(await cases.get('case_save')).toEqual(next);
      expect(await rawItem('case_save')).toMatchObject({
        lock3: 2,
        lock2: null,
        version: null,
        GSI1PK: 'DEPT#service#assigned',
        expiresAt: EXPIRES,
      });
    });

    it('keeps the replies the platform took through a later transition (the echo of each is recognised by them)', async () => {
      const published = {
        replyId: 'reply_00000000000000aa',
        platformPostId: '901_777',
        url: 'https://www.facebook.com/901_777',
        at: NOW,
        by: 'user:jana@example.de',
        text: 'Danke, wir kümmern uns!',
      };
      const c = await cases.ensure(caseFactory({ id: 'case_published', publishedReplies: [published] }), EXPIRES);
      expect(c.publishedReplies).toEqual([published]);
      expect((await cases.get('case_published'))?.publishedReplies).toEqual([published]);

      const { case: next } = applyCaseCommand(c, { type: 'resolve' }, ctx);
      await cases.saveTransition(next, 1, EXPIRES);

      expect((await cases.get('case_published', { consistent: true }))?.publishedReplies).toEqual([published]);
      expect((await rawItem('case_published'))?.publishedReplies).toEqual([published]);
    });

    it('throws a StaleCaseError and keeps the stored case when the version moved on', async () => {
      const c = await cases.ensure(caseFactory({ id: 'case_stale' }), EXPIRES);
      const { case: first } = applyCaseCommand(c, { type: 'warn-sla' }, ctx);
      const { case: second } = applyCaseCommand(c, { type: 'resolve' }, { ...ctx, transitionId: 'api:req-2' });
      await cases.saveTransition(first, 1, EXPIRES);

      await expect(cases.saveTransition(second, 1, EXPIRES)).rejects.toThrow(StaleCaseError);
      expect(await cases.get('case_stale')).toMatchObject({ state: 'new', version: 2, slaWarnedAt: NOW });
    });

    it('claims a case stored before versions existed once', async () => {
      const legacy = caseFactory({ id: 'case_legacy', version: undefined, generation: undefined });
      await local.documents.send(
        new PutCommand({
          TableName: tableName,
          Item: {
            ...keys.case(legacy.id),
            GSI1PK: keys.legacyOpenCasesOf('service'),
            GSI1SK: `${legacy.dueAt}#${legacy.id}`,
            type: 'case',
            ...legacy,
          },
        }),
      );
      const read = await cases.get('case_legacy');
      const { case: next } = applyCaseCommand(read as Case, { type: 'warn-sla' }, ctx);

      await cases.saveTransition(next, 0, EXPIRES);

      expect(await cases.get('case_legacy')).toMatchObject({ version: 1, slaWarnedAt: NOW });
      await expect(cases.saveTransition(next, 0, EXPIRES)).rejects.toThrow(StaleCaseError);
    });

    it('throws a StaleCaseError for a case that is gone', async () => {
      const next = { ...caseFactory({ id: 'case_gone' }), version: 1 };

      await expect(cases.saveTransition(next, 0, EXPIRES)).rejects.toThrow(StaleCaseError);
      expect(await cases.get('case_gone')).toBeUndefined();
    });

    it('refuses a write that does not raise the version', async () => {
      const c = await cases.ensure(caseFactory({ id: 'case_same_version' }), EXPIRES);

      await expect(cases.saveTransition({ ...c, state: 'resolved' }, 1, EXPIRES)).rejects.toThrow(
        /must raise the version/,
      );
      expect((await cases.get('case_same_version'))?.state).toBe('new');
    });

    it('lets a transition based on a case read before a recorded response lose, so the response time stays', async () => {
      const c = await cases.ensure(caseFactory({ id: 'case_journal' }), EXPIRES);
      await cases.recordResponse(
        'case_journal',
        { mentionId: 'facebook:own', at: '2026-11-30T09:40:00.000Z' },
        EXPIRES,
      );
      const { case: next } = applyCaseCommand(c, { type: 'warn-sla' }, ctx);

      await expect(cases.saveTransition(next, 1, EXPIRES)).rejects.toThrow(StaleCaseError);
      expect(await cases.firstResponseAt('case_journal')).toBe('2026-11-30T09:40:00.000Z');
    });
  });

  describe('two writers at once through changeCase', () => {
    it('lets one win; the other gets a StaleCaseError, retries, and both changes end in the history', async () => {
      await cases.ensure(caseFactory({ id: 'case_race' }), EXPIRES);
      // Both writers read the case before either writes: a real race on the real table.
      let reads = 0;
      let release: () => void = () => {};
      const bothRead = new Promise<void>((resolve) => (release = resolve));
      const stale: string[] = [];
      const racing: Pick<CaseRepository, 'get' | 'saveTransition'> = {
        get: async (id) => {
          const c = await cases.get(id);
          if (++reads === 2) release();
          if (reads <= 2) await bothRead;
          return c;
        },
        saveTransition: async (next, expected, expiresAt) => {
          try {
            await cases.saveTransition(next, expected, expiresAt);
          } catch (error) {
            if (error instanceof StaleCaseError) stale.push(next.history?.at(-1)?.transitionId ?? '?');
            throw error;
          }
        },
      };
      const events = new InMemoryCaseEvents();
      const deps: ChangeCaseDeps = {
        companyId: 'demo',
        retentionDays: 30,
        cases: racing,
        events,
        clock: fixedClock(NOW),
      };

      const [assigned, escalated] = await Promise.all([
        changeCase(
          'case_race',
          { type: 'assign', assignee: 'jana@example.de', reason: 'round robin' },
          { transitionId: 'assign:1', actor: 'system:handle-department' },
          deps,
        ),
        changeCase(
          'case_race',
          { type: 'escalate', to: ['press'], reason: 'crisis' },
          { transitionId: 'sla-escalate:1', actor: 'system:check-sla' },
          deps,
        ),
      ]);

      expect(assigned.applied && escalated.applied).toBe(true);
      expect(stale).toHaveLength(1);
      const stored = await cases.get('case_race');
      expect(stored).toMatchObject({
        version: 3,
        state: 'assigned',
        assignee: 'jana@example.de',
        escalatedTo: ['press'],
      });
      expect(stored?.history?.map((e) => e.transitionId).sort()).toEqual(['assign:1', 'sla-escalate:1']);
      expect(events.published).toHaveLength(2);
    });
  });

  describe('listCases and openCasesOf', () => {
    const dept = 'list-dept';
    const at = (hour: number) => `2026-12-01T${String(hour).padStart(2, '0')}:00:00.000Z`;

    beforeAll(async () => {
      const seed: [string, CaseState, number, string?][] = [
        ['case_l1', 'new', 9],
        ['case_l2', 'new', 11],
        ['case_l3', 'new', 10],
        ['case_l4', 'assigned', 8],
        ['case_l5', 'assigned', 12],
        ['case_l6', 'waiting', 7],
        ['case_l7', 'resolved', 6],
        ['case_l8', 'new', 5, 'other-dept'],
      ];
      for (const [id, state, hour, department] of seed) {
        await cases.ensure(caseFactory({ id, state, dueAt: at(hour), department: department ?? dept }), EXPIRES);
      }
    });

    it('pages through the open states in order, each earliest due first', async () => {
      const pages = await listAll(dept);

      // Like a DynamoDB query, a full page may hand out a cursor whose page turns out empty.
      expect(pages.flat()).toEqual(['case_l1', 'case_l3', 'case_l2', 'case_l4', 'case_l5', 'case_l6']);
      expect(pages.slice(0, 3)).toEqual([
        ['case_l1', 'case_l3'],
        ['case_l2', 'case_l4'],
        ['case_l5', 'case_l6'],
      ]);
    });

    it('lists only the asked states, resolved ones too', async () => {
      const pages = await listAll(dept, ['resolved', 'assigned'], undefined, 10);

      expect(pages).toEqual([['case_l7', 'case_l4', 'case_l5']]);
    });

    it('lists only cases due at or before the given time', async () => {
      const pages = await listAll(dept, ['new', 'assigned'], at(10), 1);

      expect(pages.flat()).toEqual(['case_l1', 'case_l3', 'case_l4']);
    });

    it('treats a due time without milliseconds like the stored form', async () => {
      const page = await cases.listCases({ department: dept, states: ['new'], dueBefore: '2026-12-01T09:00:00Z' });

      expect(page.items.map((c) => c.id)).toEqual(['case_l1']);
    });

    it('answers an empty page without a cursor for a department without cases', async () => {
      expect(await cases.listCases({ department: 'nobody' })).toEqual({ items: [] });
    });

    it('queries the keys-only index, reads the cases it found by key, and never scans', async () => {
      const sent: string[] = [];
      const spy = {
        send: (command: { constructor: { name: string } }) => {
          sent.push(command.constructor.name);
          return local.documents.send(command as never);
        },
      };
      const spied = new DynamoCaseRepository(spy as never, tableName);

      await spied.listCases({ department: dept, dueBefore: at(12) });

      expect(new Set(sent)).toEqual(new Set(['QueryCommand', 'BatchGetCommand']));
    });

    it.each([
      ['a cursor that is not base64 JSON', { cursor: 'not a cursor' }],
      [
        'a cursor of another department',
        {
          cursor: Buffer.from(
            JSON.stringify({ s: 0, k: { GSI1PK: 'DEPT#other-dept#new', GSI1SK: 'x', PK: 'x', SK: 'x' } }),
          ).toString('base64url'),
        },
      ],
      ['a cursor past the states', { cursor: Buffer.from(JSON.stringify({ s: 9 })).toString('base64url') }],
      ['an unknown state', { states: ['open' as CaseState] }],
      ['a due time that is not a time', { dueBefore: 'tomorrow' }],
      ['a page size of 0', { limit: 0 }],
    ])('refuses %s with a ValidationError', async (_, query) => {
      await expect(cases.listCases({ department: dept, ...query })).rejects.toThrow(ValidationError);
    });

    it('merges the open states of a department, earliest due first, without resolved cases', async () => {
      const open = await cases.openCasesOf(dept);

      expect(open.map((c) => c.id)).toEqual(['case_l6', 'case_l4', 'case_l1', 'case_l3', 'case_l2', 'case_l5']);
    });

    it('keeps listing cases stored before the lifecycle among the open ones', async () => {
      const legacy = caseFactory({ id: 'case_old_open', department: 'legacy-dept', version: undefined });
      await local.documents.send(
        new PutCommand({
          TableName: tableName,
          Item: {
            ...keys.case(legacy.id),
            GSI1PK: keys.legacyOpenCasesOf('legacy-dept'),
            GSI1SK: `${legacy.dueAt}#${legacy.id}`,
            type: 'case',
            ...legacy,
          },
        }),
      );

      expect((await cases.openCasesOf('legacy-dept')).map((c) => c.id)).toEqual(['case_old_open']);
    });
  });

  describe('the index entry follows the case', () => {
    async function indexed(department: string, state: CaseState): Promise<string[]> {
      const { Items = [] } = await local.documents.send(
        new QueryCommand({
          TableName: tableName,
          IndexName: GSI1,
          KeyConditionExpression: 'GSI1PK = :pk',
          ExpressionAttributeValues: { ':pk': keys.casesByState(department, state) },
        }),
      );
      return Items.map((item) => String(item.GSI1SK));
    }

    it('moves to the new state', async () => {
      const c = await cases.ensure(
        caseFactory({ id: 'case_move_state', department: 'move-dept', dueAt: at(9) }),
        EXPIRES,
      );

      await cases.saveTransition(applyCaseCommand(c, { type: 'resolve' }, ctx).case, 1, EXPIRES);

      expect(await indexed('move-dept', 'new')).toEqual([]);
      expect(await indexed('move-dept', 'resolved')).toEqual([`${at(9)}#case_move_state`]);
    });

    it('moves to the new department and due time on a reroute', async () => {
      const c = await cases.ensure(
        caseFactory({ id: 'case_move_dept', department: 'from-dept', dueAt: at(9) }),
        EXPIRES,
      );
      const { case: rerouted } = applyCaseCommand(
        c,
        { type: 'reroute', department: 'to-dept', reason: 'a quote', dueAt: at(15) },
        ctx,
      );

      await cases.saveTransition(rerouted, 1, EXPIRES);

      expect(await indexed('from-dept', 'new')).toEqual([]);
      expect(await indexed('to-dept', 'new')).toEqual([`${at(15)}#case_move_dept`]);
    });

    it('moves to the new due time on a reopen', async () => {
      const c = await cases.ensure(
        caseFactory({ id: 'case_move_due', department: 'reopen-dept', state: 'resolved', dueAt: at(9) }),
        EXPIRES,
      );

      await cases.saveTransition(
        applyCaseCommand(c, { type: 'reopen', mentionId: 'facebook:again', dueAt: at(17) }, ctx).case,
        1,
        EXPIRES,
      );

      expect(await indexed('reopen-dept', 'resolved')).toEqual([]);
      expect(await indexed('reopen-dept', 'new')).toEqual([`${at(17)}#case_move_due`]);
    });

    function at(hour: number) {
      return `2026-12-02T${String(hour).padStart(2, '0')}:00:00.000Z`;
    }
  });

  describe('histograms', () => {
    it('adds observations to their buckets, the count and the sum, without losing concurrent ones', async () => {
      const metrics = new DynamoMetricRepository(local.documents, tableName);

      await Promise.all([
        ...Array.from({ length: 5 }, () => metrics.observe('2026-11-30', 'service', 'response', 10)),
        metrics.observe('2026-11-30', 'service', 'response', 15),
        metrics.observe('2026-11-30', 'service', 'response', 16),
        metrics.observe('2026-11-30', 'service', 'response', 20_000),
        metrics.observe('2026-11-30', 'service', 'resolution', 300),
        metrics.observe('2026-12-01', 'service', 'response', 1),
      ]);

      const histograms = await metrics.histogramsOf('2026-11-30');
      const response = histograms.find((h) => h.metric === 'response');
      expect(histograms).toHaveLength(2);
      expect(response).toMatchObject({
        day: '2026-11-30',
        department: 'service',
        count: 8,
        sumMinutes: 50 + 15 + 16 + 20_000,
      });
      expect(response?.buckets).toEqual({
        le_15: 6,
        le_30: 1,
        le_60: 0,
        le_120: 0,
        le_240: 0,
        le_480: 0,
        le_1440: 0,
        le_2880: 0,
        le_10080: 0,
        gt_10080: 1,
      });
      expect(histograms.find((h) => h.metric === 'resolution')?.buckets.le_480).toBe(1);
    });

    it('refuses a negative duration', async () => {
      const metrics = new DynamoMetricRepository(local.documents, tableName);

      await expect(metrics.observe('2026-11-30', 'service', 'response', -1)).rejects.toThrow(ValidationError);
    });
  });

  describe('round-robin counter', () => {
    it('counts 1, 2, 3 per department and gives concurrent callers different positions', async () => {
      const cursor = new DynamoAssignmentCursor(local.documents, tableName);

      const first = await cursor.next('rr-service');
      const concurrent = await Promise.all(Array.from({ length: 5 }, () => cursor.next('rr-service')));
      const other = await cursor.next('rr-sales');

      expect(first).toBe(1);
      expect([...concurrent].sort((a, b) => a - b)).toEqual([2, 3, 4, 5, 6]);
      expect(other).toBe(1);
    });
  });

  describe('notification log', () => {
    const claimAt = (owner: string, at = NOW, leaseMs = 60_000) => ({
      owner,
      at,
      leaseUntil: new Date(Date.parse(at) + leaseMs).toISOString(),
      expiresAt: EXPIRES,
    });

    it('grants exactly one of ten concurrent claimers the delivery, and tells the others it is held', async () => {
      const log = new DynamoNotificationLog(local.documents, tableName);

      const answers = await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          log.claim('case_claimed', 'mention:m1#service/slack:#kundenservice', claimAt(`sender-${i}`)),
        ),
      );

      expect(answers.filter((a) => a === 'claimed')).toHaveLength(1);
      expect(answers.filter((a) => a === 'held')).toHaveLength(9);
    });

    it('answers sent to every claim after the delivery was marked sent, per case and key', async () => {
      const log = new DynamoNotificationLog(local.documents, tableName);
      await log.claim('case_notified', 'assign:1#slack', claimAt('first'));

      await log.markSent('case_notified', 'assign:1#slack', NOW, EXPIRES);

      expect(await log.claim('case_notified', 'assign:1#slack', claimAt('later', '2026-11-30T12:00:00.000Z'))).toBe(
        'sent',
      );
      expect(await log.claim('case_notified', 'assign:1#email', claimAt('other-target'))).toBe('claimed');
      expect(await log.claim('case_other', 'assign:1#slack', claimAt('other-case'))).toBe('claimed');
    });

    it('frees a released claim for the next sender, and ignores a release by someone who does not hold it', async () => {
      const log = new DynamoNotificationLog(local.documents, tableName);
      await log.claim('case_released', 'n1#teams', claimAt('failed-sender'));

      await log.release('case_released', 'n1#teams', 'somebody-else');
      const whileHeld = await log.claim('case_released', 'n1#teams', claimAt('retry-too-early'));
      await log.release('case_released', 'n1#teams', 'failed-sender');
      const afterRelease = await log.claim('case_released', 'n1#teams', claimAt('retry'));

      expect(whileHeld).toBe('held');
      expect(afterRelease).toBe('claimed');
    });

    it('lets a sender take over a claim whose lease ran out (its holder died), but not a running one', async () => {
      const log = new DynamoNotificationLog(local.documents, tableName);
      await log.claim('case_lease', 'n1#email', claimAt('died', NOW, 60_000));

      const within = await log.claim('case_lease', 'n1#email', claimAt('early', '2026-11-30T10:00:59.000Z'));
      const after = await log.claim('case_lease', 'n1#email', claimAt('late', '2026-11-30T10:01:01.000Z'));

      expect(within).toBe('held');
      expect(after).toBe('claimed');
      const { Item } = await local.documents.send(
        new GetCommand({ TableName: tableName, Key: keys.notification('case_lease', 'n1#email') }),
      );
      expect(Item).toMatchObject({ state: 'sending', owner: 'late', expiresAt: EXPIRES });
    });

    it('counts a marker written before claims existed (no state) as sent', async () => {
      const log = new DynamoNotificationLog(local.documents, tableName);
      await local.documents.send(
        new PutCommand({
          TableName: tableName,
          Item: {
            ...keys.notification('case_legacy', 'n0#slack'),
            type: 'notification-sent',
            caseId: 'case_legacy',
            key: 'n0#slack',
            sentAt: NOW,
            expiresAt: EXPIRES,
          },
        }),
      );

      expect(await log.claim('case_legacy', 'n0#slack', claimAt('new-sender', '2026-12-01T10:00:00.000Z'))).toBe(
        'sent',
      );
    });

    it('keeps the markers apart from the case’s mentions and notes', async () => {
      const log = new DynamoNotificationLog(local.documents, tableName);
      await cases.ensure(caseFactory({ id: 'case_markers' }), EXPIRES);

      await log.markSent('case_markers', 'n1#teams', NOW, EXPIRES);

      expect(await cases.mentionsOf('case_markers')).toEqual([]);
      expect(await cases.notesOf('case_markers')).toEqual([]);
      expect(await cases.get('case_markers')).toMatchObject({ id: 'case_markers', version: 1 });
    });
  });

  describe('triage first', () => {
    const triageCase = (id: string, dueAt: string, tags?: string[]) =>
      caseFactory({ id, department: 'triage_queue', dueAt, threadId: id, ...(tags ? { tags } : {}) });

    it('lists the cases waiting for triage before every other open case, each group by due time', async () => {
      // Arrange
      await cases.ensure(triageCase('case_t_early', '2026-11-30T11:00:00.000Z'), EXPIRES);
      await cases.ensure(triageCase('case_t_late_triage', '2026-12-02T11:00:00.000Z', [TRIAGE_TAG]), EXPIRES);
      await cases.ensure(triageCase('case_t_mid', '2026-11-30T12:00:00.000Z'), EXPIRES);
      await cases.ensure(triageCase('case_t_triage', '2026-12-01T11:00:00.000Z', ['vip', TRIAGE_TAG]), EXPIRES);

      // Act
      const open = await cases.openCasesOf('triage_queue');
      const pages = await listAll('triage_queue', ['new'], undefined, 3);

      // Assess
      expect(open.map((c) => c.id)).toEqual(['case_t_triage', 'case_t_late_triage', 'case_t_early', 'case_t_mid']);
      expect(pages).toEqual([['case_t_triage', 'case_t_late_triage', 'case_t_early'], ['case_t_mid']]);
      expect(await rawItem('case_t_triage')).toMatchObject({ GSI1SK: '!2026-12-01T11:00:00.000Z#case_t_triage' });
    });

    it('lists a case in triage under a due-before query only when it is due by then', async () => {
      // Act
      const due = await listAll('triage_queue', ['new'], '2026-12-01T12:00:00Z', 10);

      // Assess
      expect(due.flat()).toEqual(['case_t_triage', 'case_t_early', 'case_t_mid']);
    });

    it('moves a case back among the others by due time when a reroute clears its triage tag', async () => {
      // Arrange
      const current = (await cases.get('case_t_triage'))!;
      const { case: rerouted } = applyCaseCommand(
        current,
        { type: 'reroute', department: 'triage_queue_b', reason: 'belongs to B', dueAt: '2026-11-30T11:30:00.000Z' },
        ctx,
      );
      const other = triageCase('case_t_b_triage', '2026-12-03T11:00:00.000Z', [TRIAGE_TAG]);
      await cases.ensure({ ...other, department: 'triage_queue_b' }, EXPIRES);

      // Act
      await cases.saveTransition(rerouted, current.version!, EXPIRES);

      // Assess
      expect((await cases.openCasesOf('triage_queue_b')).map((c) => c.id)).toEqual([
        'case_t_b_triage',
        'case_t_triage',
      ]);
      expect(await rawItem('case_t_triage')).toMatchObject({
        tags: ['vip'],
        GSI1SK: '2026-11-30T11:30:00.000Z#case_t_triage',
      });
    });
  });
});
