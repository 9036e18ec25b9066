import { describe, expect, it } from 'vitest';
import { KeywordClassifier } from '../../../shared/classifier/keyword-classifier.ts';
import { routingPolicyOf } from '../../../shared/config/schema.ts';
import { caseIdForThread } from '../../../shared/domain/case.ts';
import { classifyMention, type ClassifyMentionDeps } from '../../../shared/domain/classify-mention.ts';
import { ownerNoticeOf } from '../../../shared/domain/key-accounts.ts';
import { notificationForCaseEvent } from '../../../shared/domain/notification.ts';
import { demoConfig } from '../../factories/config.ts';
import { mentionFactory } from '../../factories/mention.ts';
import { InMemoryTimeline } from '../../factories/replies.ts';
import { fixedClock, InMemoryCases, InMemoryMentions, RecordingPublisher } from '../../fakes/in-memory.ts';

const NOW = '2026-11-30T10:00:00.000Z';
const config = demoConfig();

function setup() {
  const mentions = new InMemoryMentions();
  const cases = new InMemoryCases();
  const events = new RecordingPublisher();
  const timeline = new InMemoryTimeline();
  const clock = fixedClock(NOW);
  const deps: ClassifyMentionDeps = {
    companyId: 'demo',
    classifier: new KeywordClassifier(),
    policy: routingPolicyOf(config),
    sla: () => ({ days: 0, minutes: 240 }),
    retentionDays: 365,
    mentions,
    cases,
    events,
    clock,
    caseChanges: { companyId: 'demo', retentionDays: 365, cases, events, clock },
    keyAccounts: {
      timeline,
      notice: (accounts) => ownerNoticeOf(config, accounts),
      companyName: config.company.name,
    },
  };
  return { deps, cases, events, timeline };
}

/** The Hochbahn's fleet manager asks in public; handle-department records the routed mention on the case. */
async function keyAccountCase(s: ReturnType<typeof setup>) {
  const question = mentionFactory({
    externalId: '901_100',
    text: 'Wann kommt die Ersatzteillieferung für die HOCHBAHN-Radflotte?',
    createdAt: '2026-11-30T09:00:00.000Z',
  });
  await classifyMention(question, s.deps);
  for (const event of s.events.published) await s.cases.recordMention(event);
  return caseIdForThread('facebook', question.threadId);
}

describe('our public replies to key accounts', () => {
  it("puts the customer's mention on the key account's timeline", async () => {
    const s = setup();

    const caseId = await keyAccountCase(s);

    expect(await s.timeline.list('hochbahn', { limit: 10 })).toEqual([
      expect.objectContaining({ kind: 'mention', caseId, itemId: 'facebook:901_100', platform: 'facebook' }),
    ]);
  });

  it('an own reply seen on the platform responds the case, goes on the timeline and reaches sales naming the owner', async () => {
    const s = setup();
    const caseId = await keyAccountCase(s);

    await classifyMention(
      mentionFactory({
        externalId: '901_101',
        isOwnAccount: true,
        text: 'Die Teile sind unterwegs.',
        createdAt: '2026-11-30T09:30:00.000Z',
      }),
      s.deps,
    );

    const responded = s.events.caseEvents.find((e) => e.action === 'respond');
    expect(responded).toMatchObject({ recipients: ['sales'], detail: { notify: 'sales' } });
    const kase = await s.cases.get(caseId);
    const sales = config.departments.find((d) => d.id === 'sales');
    const notice = notificationForCaseEvent(
      responded as NonNullable<typeof responded>,
      kase as NonNullable<typeof kase>,
      undefined,
      sales as NonNullable<typeof sales>,
      {
        timezone: 'Europe/Berlin',
      },
    );
    expect(notice).toMatchObject({
      kind: 'key-account-reply',
      department: 'sales',
      people: [
        {
          name: 'Malte Brandt',
          email: 'malte.brandt@radwerk-hansen.example',
          role: 'account owner of Hamburger Hochbahn',
        },
      ],
    });
    expect((await s.timeline.list('hochbahn', { limit: 10 })).map((i) => [i.kind, i.author])).toEqual([
      ['reply', config.company.name],
      ['mention', 'Erika Mustermann'],
    ]);
  });

  it("the platform's echo of a reply sent through the API is matched by its post id and not counted again", async () => {
    // Arrange: the reply went out through the API (send-reply.ts) as post 901_555.
    const s = setup();
    const caseId = await keyAccountCase(s);
    const sent = await s.cases.get(caseId);
    s.cases.cases.set(caseId, {
      ...(sent as NonNullable<typeof sent>),
      state: 'responded',
      firstResponseAt: '2026-11-30T09:20:00.000Z',
      publishedReplies: [
        {
          replyId: 'reply_1',
          platformPostId: '901_555',
          at: '2026-11-30T09:20:00.000Z',
          by: 'user:ole',
          text: 'Unterwegs.',
        },
      ],
    });
    const before = await s.cases.get(caseId);
    const eventsBefore = s.events.caseEvents.length;

    // Act: the webhook brings our own comment back.
    const outcome = await classifyMention(
      mentionFactory({
        externalId: '901_555',
        isOwnAccount: true,
        text: 'Unterwegs.',
        createdAt: '2026-11-30T09:20:01.000Z',
      }),
      s.deps,
    );

    // Assess
    expect(outcome).toEqual({ status: 'own-reply', caseId, echoOf: 'reply_1' });
    expect(await s.cases.get(caseId)).toEqual(before);
    expect(s.events.caseEvents).toHaveLength(eventsBefore);
    expect((await s.timeline.list('hochbahn', { limit: 10 })).map((i) => i.kind)).toEqual(['mention']);
  });
});
