import { describe, expect, it } from 'vitest';
import { MentionsRoutedSchema, type CaseEvent, type MentionsRouted } from '../../../shared/domain/events.ts';
import type { PublishOutcome } from '../../../shared/domain/ports.ts';
import { publishRoutedBatch, routedBatchesOf } from '../../../shared/domain/routed-batch.ts';
import { mentionRoutedFactory } from '../../factories/mention.ts';

describe('routedBatchesOf', () => {
  it('puts a batch in one detail per department and role, in the order the mentions came', () => {
    // Arrange
    const a = mentionRoutedFactory({ mentionId: 'x:a', department: 'service', role: 'primary' });
    const b = mentionRoutedFactory({ mentionId: 'x:b', department: 'legal', role: 'cc' });
    const c = mentionRoutedFactory({ mentionId: 'x:c', department: 'service', role: 'primary' });
    const d = mentionRoutedFactory({ mentionId: 'x:d', department: 'service', role: 'cc' });

    // Act
    const batches = routedBatchesOf('demo', [a, b, c, d]);

    // Assess
    expect(batches.map((x) => [x.department, x.role, x.mentions.map((m) => m.mentionId)])).toEqual([
      ['service', 'primary', ['x:a', 'x:c']],
      ['legal', 'cc', ['x:b']],
      ['service', 'cc', ['x:d']],
    ]);
    for (const batch of batches) expect(MentionsRoutedSchema.safeParse(batch).success).toBe(true);
  });

  it('splits a department detail that would pass the size limit, every part under it', () => {
    // Arrange
    const events = Array.from({ length: 12 }, (_, i) =>
      mentionRoutedFactory({ mentionId: `x:${i}`, text: 'ä'.repeat(1_000) }),
    );
    const limit = 5_000;

    // Act
    const batches = routedBatchesOf('demo', events, limit);

    // Assess
    expect(batches.length).toBeGreaterThan(1);
    expect(batches.flatMap((b) => b.mentions.map((m) => m.mentionId))).toEqual(events.map((e) => e.mentionId));
    for (const batch of batches) expect(Buffer.byteLength(JSON.stringify(batch))).toBeLessThanOrEqual(limit);
  });

  it('puts a mention delivered twice in one batch in once', () => {
    const event = mentionRoutedFactory({ mentionId: 'x:twice' });

    const batches = routedBatchesOf('demo', [event, event]);

    expect(batches.flatMap((b) => b.mentions)).toEqual([event]);
  });
});

describe('publishRoutedBatch', () => {
  it('names the records with a mention in a refused detail, and only those', async () => {
    // Arrange
    const service = mentionRoutedFactory({ mentionId: 'x:1', department: 'service' });
    const sales = mentionRoutedFactory({ mentionId: 'x:2', department: 'sales' });
    const salesCc = mentionRoutedFactory({ mentionId: 'x:1', department: 'sales', role: 'cc' });
    const published: MentionsRouted[][] = [];
    const events = {
      async publishMentionsRouted(batches: readonly MentionsRouted[]): Promise<PublishOutcome<MentionsRouted>> {
        published.push([...batches]);
        return { failed: batches.filter((b) => b.department === 'sales'), cause: new Error('ThrottlingException') };
      },
    };

    // Act
    const outcome = await publishRoutedBatch(
      [
        { key: 'r1', routed: [service, salesCc] },
        { key: 'r2', routed: [sales] },
        { key: 'r3', routed: [mentionRoutedFactory({ mentionId: 'x:3', department: 'service' })] },
      ],
      { companyId: 'demo', events },
    );

    // Assess
    expect(published[0]?.length).toBe(3);
    expect([...outcome.failed].sort()).toEqual(['r1', 'r2']);
    expect(outcome.cause?.message).toBe('ThrottlingException');
  });

  it('publishes nothing for a batch without routed mentions', async () => {
    const calls: unknown[] = [];
    const events = {
      async publishMentionsRouted(batches: readonly MentionsRouted[]): Promise<PublishOutcome<MentionsRouted>> {
        calls.push(batches);
        return { failed: [] };
      },
    };

    const outcome = await publishRoutedBatch([], { companyId: 'demo', events });

    expect(calls).toEqual([]);
    expect(outcome.failed.size).toBe(0);
  });

  it('publishes the case changes with the mentions, a change delivered twice once, and fails the record of a refused one', async () => {
    // Arrange
    const assigned = caseEventOf('case-1', 'assign:x:1');
    const routing = caseEventOf('case-2', 'routing:x:2');
    const seen: { batches: number; changes: CaseEvent[] }[] = [];
    const events = {
      async publishMentionsRouted(batches: readonly MentionsRouted[], caseEvents: readonly CaseEvent[] = []) {
        seen.push({ batches: batches.length, changes: [...caseEvents] });
        return { failed: [], failedCaseEvents: caseEvents.filter((e) => e.caseId === 'case-2') };
      },
    };

    // Act
    const outcome = await publishRoutedBatch(
      [
        { key: 'r1', routed: [mentionRoutedFactory({ mentionId: 'x:1' })], caseEvents: [assigned] },
        { key: 'r1-again', routed: [mentionRoutedFactory({ mentionId: 'x:1' })], caseEvents: [assigned] },
        { key: 'r2', routed: [mentionRoutedFactory({ mentionId: 'x:2' })], caseEvents: [routing] },
      ],
      { companyId: 'demo', events },
    );

    // Assess
    expect(seen).toEqual([{ batches: 1, changes: [assigned, routing] }]);
    expect([...outcome.failed]).toEqual(['r2']);
  });

  it('passes on how many case changes the publisher withheld, failing no record for them', async () => {
    // Arrange: the publisher withholds the assignment nothing consumes
    const events = {
      async publishMentionsRouted(_: readonly MentionsRouted[], caseEvents: readonly CaseEvent[] = []) {
        return { failed: [], failedCaseEvents: [], withheldCaseEvents: caseEvents.length };
      },
    };

    // Act
    const outcome = await publishRoutedBatch(
      [
        {
          key: 'r1',
          routed: [mentionRoutedFactory({ mentionId: 'x:1' })],
          caseEvents: [caseEventOf('case-1', 'assign:x:1')],
        },
      ],
      { companyId: 'demo', events },
    );

    // Assess
    expect(outcome).toEqual({ failed: new Set(), withheldCaseEvents: 1 });
  });
});

function caseEventOf(caseId: string, transitionId: string): CaseEvent {
  return {
    companyId: 'demo',
    caseId,
    transitionId,
    action: transitionId.startsWith('assign') ? 'assign' : 'apply-routing',
    from: 'new',
    to: 'assigned',
    at: '2026-11-30T10:00:00.000Z',
    actor: 'system:classify-mention',
    department: 'service',
    recipients: [],
    platform: 'facebook',
    category: 'complaint',
    priority: 'normal',
    dueAt: '2026-11-30T14:00:00.000Z',
  };
}
