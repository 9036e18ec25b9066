import { describe, expect, it } from 'vitest';
import {
  eraseAuthor,
  parseAuthorRef,
  type AuthorDataStore,
  type AuthorRef,
  type ErasureAuditEntry,
  type PersonalItem,
} from '../../../shared/domain/erase-author.ts';
import {
  eraseFromCase,
  outboxLineNames,
  tracesOf,
  type AuthorTraces,
  type NotificationOutbox,
} from '../../../shared/domain/erasure.ts';
import { ValidationError } from '../../../shared/domain/errors.ts';
import type { StoredMention } from '../../../shared/domain/ports.ts';
import { MENTION_PLATFORMS } from '../../../shared/platforms/registry.ts';
import { caseFactory } from '../../factories/case.ts';
import { mentionFactory } from '../../factories/mention.ts';
import { fixedClock, InMemoryCases } from '../../fakes/in-memory.ts';

const AUTHOR: AuthorRef = { platform: 'x', authorId: '98765' };
const stored = (externalId: string, caseId: string, threadId = 'th-1'): StoredMention =>
  ({
    mention: mentionFactory({
      platform: 'x',
      externalId,
      threadId,
      author: { id: '98765', name: 'Rita Beispiel', handle: '@ritab' },
      url: `https://x.com/ritab/status/${externalId}`,
    }),
    caseId,
  }) as StoredMention;

/** An author's data over a list of stored mentions and case ids (what a scan found); removal is recorded. */
class InMemoryAuthorData implements AuthorDataStore {
  readonly removed: PersonalItem[] = [];
  constructor(
    private mentions: StoredMention[],
    private readonly caseIds: string[],
    private readonly log: string[] = [],
  ) {}
  async mentionsOfAuthor(): Promise<StoredMention[]> {
    return this.mentions;
  }
  async caseIdsOfAuthor(): Promise<string[]> {
    return this.caseIds;
  }
  async itemsOfMention(s: StoredMention): Promise<PersonalItem[]> {
    return [
      { kind: 'mention', key: { PK: `MENTION#${s.mention.id}` } },
      { kind: 'case-mention', key: { PK: `CASE#${s.caseId}`, SK: `MENTION#${s.mention.id}#service` } },
    ];
  }
  async remove(items: readonly PersonalItem[]): Promise<void> {
    this.log.push('remove');
    this.removed.push(...items);
    this.mentions = [];
  }
}

class RecordingAudit {
  readonly entries: ErasureAuditEntry[] = [];
  async record(entry: ErasureAuditEntry): Promise<ErasureAuditEntry> {
    const first = this.entries.find((e) => e.id === entry.id && e.at === entry.at);
    if (first) return first;
    this.entries.push(entry);
    return entry;
  }
}

const traces: AuthorTraces = {
  platform: 'x',
  authorId: '98765',
  mentionIds: ['x:111'],
  externalIds: ['111'],
  words: ['Rita Beispiel', '@ritab', 'ritab', 'https://x.com/ritab/status/111'],
};

describe('eraseFromCase', () => {
  it("pseudonymizes the author's case: author, first mention, a thread they started, their name in the reply draft and history", () => {
    // Arrange
    const kase = caseFactory({
      platform: 'x',
      authorId: '98765',
      firstMentionId: 'x:111',
      threadId: '111',
      reply: {
        id: 'r1',
        text: 'Hallo Rita Beispiel (@ritab), wir kümmern uns.',
        draftedBy: 'user:a@b.example',
        draftedAt: '2026-11-28T10:00:00.000Z',
      },
      history: [
        {
          transitionId: 'assign:x:111',
          at: '2026-11-28T10:00:00.000Z',
          actor: 'system:handle-department',
          action: 'assign',
          from: 'new',
          to: 'assigned',
          detail: { reason: 'Rita Beispiel is a key customer' },
        },
      ],
    });

    // Act
    const next = eraseFromCase(kase, traces);

    // Assess
    expect(next).toMatchObject({
      authorId: 'erased',
      firstMentionId: 'erased',
      threadId: 'erased',
      reply: { text: 'Hallo [erased] ([erased]), wir kümmern uns.' },
    });
    expect(next?.history?.[0]).toMatchObject({
      transitionId: 'assign:[erased]',
      detail: { reason: '[erased] is a key customer' },
    });
  });

  it("returns undefined for another author's case that holds nothing of them", () => {
    // Act
    const next = eraseFromCase(
      caseFactory({ platform: 'x', authorId: '5550001', firstMentionId: 'x:222', threadId: '222' }),
      traces,
    );

    // Assess
    expect(next).toBeUndefined();
  });

  it('replaces a short author id only where a whole field is it, never inside times or other ids', () => {
    // Arrange
    const short: AuthorTraces = { platform: 'x', authorId: '42', mentionIds: [], externalIds: [], words: [] };
    const kase = caseFactory({
      platform: 'x',
      authorId: '42',
      openedAt: '2026-11-28T10:42:00.000Z',
      assignedReason: 'round-robin 42',
    });

    // Act
    const next = eraseFromCase(kase, short);

    // Assess
    expect(next).toMatchObject({
      authorId: 'erased',
      openedAt: '2026-11-28T10:42:00.000Z',
      assignedReason: 'round-robin 42',
    });
  });
});

describe('eraseAuthor', () => {
  it('scrubs the cases before it removes the mentions, counts each kind and writes an audit entry without the author id', async () => {
    // Arrange
    const order: string[] = [];
    const cases = new InMemoryCases();
    cases.cases.set('case_a', caseFactory({ id: 'case_a', platform: 'x', authorId: '98765', firstMentionId: 'x:111' }));
    cases.beforeSaveTransition = () => void order.push('case');
    const store = new InMemoryAuthorData([stored('111', 'case_a'), stored('112', 'case_a')], ['case_a'], order);
    const audit = new RecordingAudit();
    const outbox: NotificationOutbox = {
      erase: async () => {
        order.push('outbox');
        return 3;
      },
    };

    // Act
    const outcome = await eraseAuthor(AUTHOR, 'user:greta@example.com', {
      store,
      cases,
      audit,
      outbox,
      clock: fixedClock('2026-11-30T08:00:00.000Z'),
      retentionDays: 365,
    });

    // Assess
    expect(order).toEqual(['case', 'outbox', 'remove']);
    expect(outcome).toMatchObject({
      erased: true,
      dryRun: false,
      counts: { mentions: 2, caseMentions: 2, caseNotes: 0, notificationMarkers: 0, cases: 1, outboxLines: 3 },
    });
    expect(await cases.get('case_a')).toMatchObject({ authorId: 'erased', version: 2 });
    expect(audit.entries).toEqual([
      expect.objectContaining({
        id: outcome.auditId,
        actor: 'user:greta@example.com',
        at: '2026-11-30T08:00:00.000Z',
        platform: 'x',
        counts: outcome.counts,
      }),
    ]);
    expect(JSON.stringify(audit.entries)).not.toContain('98765');
  });

  it('scrubs the cases before it removes the mentions, so a crash midway leaves them for the next run', async () => {
    // Arrange: 111 opened case_a, 112 joined it
    const order: string[] = [];
    const cases = new InMemoryCases();
    cases.cases.set('case_a', caseFactory({ id: 'case_a', platform: 'x', authorId: '98765', firstMentionId: 'x:111' }));
    cases.beforeSaveTransition = () => void order.push('case');
    const store = new InMemoryAuthorData([stored('111', 'case_a'), stored('112', 'case_a')], ['case_a'], order);
    const deps = { store, cases, audit: new RecordingAudit(), clock: fixedClock('2026-11-30T08:00:00.000Z') };

    // Act
    await eraseAuthor(AUTHOR, 'cli:ops', { ...deps, retentionDays: 365 });

    // Assess
    expect(order).toEqual(['case', 'remove']);
  });

  it('writes nothing on a dry run and reports what it would erase', async () => {
    // Arrange
    const cases = new InMemoryCases();
    cases.cases.set('case_a', caseFactory({ id: 'case_a', platform: 'x', authorId: '98765' }));
    const store = new InMemoryAuthorData([stored('111', 'case_a')], []);
    const audit = new RecordingAudit();

    // Act
    const outcome = await eraseAuthor(
      AUTHOR,
      'cli:ops',
      { store, cases, audit, clock: fixedClock('2026-11-30T08:00:00.000Z'), retentionDays: 365 },
      { dryRun: true },
    );

    // Assess
    expect(outcome).toMatchObject({ dryRun: true, erased: true, counts: { mentions: 1, cases: 1 } });
    expect(store.removed).toEqual([]);
    expect(cases.saves).toEqual([]);
    expect(audit.entries).toEqual([]);
  });

  it('reads the case again when a transition wins the race, and keeps that transition', async () => {
    // Arrange
    const cases = new InMemoryCases();
    cases.cases.set('case_a', caseFactory({ id: 'case_a', platform: 'x', authorId: '98765', version: 3 }));
    let raced = false;
    cases.beforeSaveTransition = () => {
      if (raced) return;
      raced = true;
      cases.cases.set(
        'case_a',
        caseFactory({
          id: 'case_a',
          platform: 'x',
          authorId: '98765',
          version: 4,
          state: 'assigned',
          assignee: 'tim@example.com',
        }),
      );
    };

    // Act
    const outcome = await eraseAuthor(AUTHOR, 'cli:ops', {
      store: new InMemoryAuthorData([], ['case_a']),
      cases,
      audit: new RecordingAudit(),
      clock: fixedClock('2026-11-30T08:00:00.000Z'),
      retentionDays: 365,
    });

    // Assess
    expect(outcome.counts.cases).toBe(1);
    expect(cases.saves.map((s) => s.stale)).toEqual([true, false]);
    expect(await cases.get('case_a')).toMatchObject({ authorId: 'erased', assignee: 'tim@example.com', version: 5 });
  });
});

describe('parseAuthorRef', () => {
  it('reads a platform and an id that itself holds colons (a Bluesky DID)', () => {
    // Act
    const ref = parseAuthorRef('bluesky:did:plc:abc123', MENTION_PLATFORMS);

    // Assess
    expect(ref).toEqual({ platform: 'bluesky', authorId: 'did:plc:abc123' });
  });

  it.each(['myspace:1', '12345', 'x:', 'x:erased'])('refuses %s with a ValidationError', (text) => {
    // Act / Assess
    expect(() => parseAuthorRef(text, MENTION_PLATFORMS)).toThrow(ValidationError);
  });
});

describe('outboxLineNames', () => {
  it("matches a line about one of the author's mentions, and not one about a mention whose id only starts the same", () => {
    // Arrange
    const t = tracesOf({ platform: 'x', authorId: '98765' }, [stored('111', 'case_a')]);

    // Act / Assess
    expect(outboxLineNames(JSON.stringify({ notification: { id: 'mention:x:111' } }), t)).toBe(true);
    expect(
      outboxLineNames(JSON.stringify({ notification: { id: 'mention:x:1110', mention: { authorId: '5550001' } } }), t),
    ).toBe(false);
    expect(outboxLineNames(JSON.stringify({ notification: { mention: { authorId: '98765' } } }), t)).toBe(true);
  });
});
