import { mentionId, type Mention } from '../../shared/domain/mention.ts';
import type { MentionRouted, MentionsRouted } from '../../shared/domain/events.ts';
import type { StoredMention } from '../../shared/domain/ports.ts';
import type { SQSRecord } from 'aws-lambda';

/** A valid Facebook comment mention; override what the test is about. */
export function mentionFactory(overrides: Partial<Mention> = {}): Mention {
  const externalId = overrides.externalId ?? '901097836652708_903438993085259';
  return {
    id: mentionId(overrides.platform ?? 'facebook', externalId),
    platform: 'facebook',
    kind: 'comment',
    externalId,
    threadId: '104729381726354_901097836652708',
    accountId: '104729381726354',
    author: { id: '5550001', name: 'Erika Mustermann' },
    text: 'Mein Stadtflitzer ist nach zwei Wochen kaputt und keiner antwortet!',
    isOwnAccount: false,
    rawType: 'page.feed',
    createdAt: '2026-11-28T09:15:00.000Z',
    receivedAt: '2026-11-28T09:15:02.000Z',
    ...overrides,
  };
}

/** A `Mention Routed` detail as classify-mention publishes it. */
export function mentionRoutedFactory(overrides: Partial<MentionRouted> = {}): MentionRouted {
  return {
    companyId: 'demo',
    mentionId: 'facebook:1_2',
    caseId: 'case_0123456789abcdef0123',
    department: 'service',
    role: 'primary',
    platform: 'facebook',
    category: 'complaint',
    sentiment: 'negative',
    priority: 'normal',
    urgency: 0.45,
    language: 'de',
    authorId: '5550001',
    text: 'Mein Stadtflitzer ist kaputt',
    createdAt: '2026-11-28T09:15:00.000Z',
    routedAt: '2026-11-28T09:15:03.000Z',
    reasons: ['category complaint is owned by service'],
    ...overrides,
  };
}

/** The stored mention a routed one came from, as erasure reads it (its id, platform, time, author and case). */
export function storedOfRouted(detail: MentionRouted): StoredMention {
  return {
    mention: mentionFactory({
      id: detail.mentionId,
      platform: detail.platform,
      createdAt: detail.createdAt,
      author: { id: detail.authorId },
    }),
    caseId: detail.caseId,
  } as unknown as StoredMention;
}

/** An SQS record as Lambda delivers it. */
export function sqsRecordFactory(body: string, messageId = 'msg-1'): SQSRecord {
  return {
    messageId,
    receiptHandle: `rh-${messageId}`,
    body,
    attributes: {
      ApproximateReceiveCount: '1',
      SentTimestamp: '1764321300000',
      SenderId: 'AIDAEXAMPLE',
      ApproximateFirstReceiveTimestamp: '1764321300001',
    },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:eu-central-1:123456789012:bc-demo-intake',
    awsRegion: 'eu-central-1',
  };
}

/** The EventBridge envelope of a `Mention Routed` event, as a rule delivers it to a queue. */
export function routedEnvelope(detail: MentionRouted): string {
  return JSON.stringify({
    version: '0',
    id: '6a7e8feb-b491-4cf7-a9f1-bf3703467718',
    'detail-type': 'Mention Routed',
    source: 'backchannel',
    account: '123456789012',
    time: detail.routedAt,
    region: 'eu-central-1',
    resources: [],
    detail,
  });
}

/** The EventBridge envelope of a `Mentions Routed` batch, as a rule delivers it to a queue. */
export function routedBatchEnvelope(detail: MentionsRouted): string {
  return JSON.stringify({
    version: '0',
    id: '0d4b8c1e-5f0a-4a53-9d0e-3c2b7f1a9e64',
    'detail-type': 'Mentions Routed',
    source: 'backchannel',
    account: '123456789012',
    time: detail.mentions[0]?.routedAt,
    region: 'eu-central-1',
    resources: [],
    detail,
  });
}
