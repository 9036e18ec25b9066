import { describe, expect, it } from 'vitest';
import {
  DepartmentEnvelopeSchema,
  DETAIL_TYPES,
  EVENT_SOURCE,
  MentionsRoutedSchema,
  RoutedEnvelopeSchema,
} from '../../../shared/domain/events.ts';
import { IntakeMessageSchema, MentionDeletionSchema } from '../../../shared/domain/mention-deletion.ts';
import { MentionSchema } from '../../../shared/domain/mention.ts';
import { caseEventFactory } from '../../factories/notification.ts';
import { mentionFactory, mentionRoutedFactory } from '../../factories/mention.ts';

// The domain's schemas are built at their first parse (z.lazy), not at import (issue 12,
// cold import). These tests hold them to the same strictness as when they were built eagerly:
// the same inputs are refused, with the same issue codes at the same paths.

/** The `code` and dotted `path` of each issue of a failed parse. */
function issuesOf(result: { success: boolean; error?: { issues: { code: string; path: PropertyKey[] }[] } }) {
  expect(result.success).toBe(false);
  return (result.error?.issues ?? []).map((issue) => `${issue.code} ${issue.path.join('.')}`);
}

describe('MentionSchema (built at first parse)', () => {
  it('accepts a mention as the factory builds it', () => {
    // Arrange
    const mention = mentionFactory();

    // Act
    const result = MentionSchema.safeParse(mention);

    // Assess
    expect(result).toEqual({ success: true, data: mention });
  });

  it('refuses an unknown key, on the mention and on its author', () => {
    const mention = { ...mentionFactory(), extra: 1, author: { id: 'a1', role: 'admin' } };

    const issues = issuesOf(MentionSchema.safeParse(mention));

    expect(issues).toEqual(expect.arrayContaining(['unrecognized_keys ', 'unrecognized_keys author']));
  });

  it('refuses a malformed platform, a bad timestamp and a negative follower count', () => {
    const mention = mentionFactory({
      platform: 'Face Book',
      createdAt: 'yesterday',
      author: { id: 'a1', followers: -1 },
    });

    const issues = issuesOf(MentionSchema.safeParse(mention));

    expect(issues).toEqual(['invalid_format platform', 'too_small author.followers', 'invalid_format createdAt']);
  });
});

describe('IntakeMessageSchema (built at first parse)', () => {
  it('takes a deletion notice and a mention, and refuses a notice with a key it does not know', () => {
    const deletion = {
      type: 'deletion',
      id: 'x:1',
      platform: 'x',
      externalId: '1',
      deletedAt: '2026-03-02T10:00:00.000Z',
      receivedAt: '2026-03-02T10:00:01.000Z',
      rawType: 'tweet_delete_events',
    };

    expect(IntakeMessageSchema.safeParse(deletion).success).toBe(true);
    expect(IntakeMessageSchema.safeParse(mentionFactory()).success).toBe(true);
    expect(issuesOf(MentionDeletionSchema.safeParse({ ...deletion, text: 'kept' }))).toEqual(['unrecognized_keys ']);
  });
});

describe('the event schemas (built at first parse)', () => {
  it('refuses a batch whose mention names another department, with the batch check message', () => {
    const batch = {
      companyId: 'demo',
      department: 'support',
      role: 'primary',
      mentions: [mentionRoutedFactory({ department: 'sales', role: 'primary' })],
    };

    const result = MentionsRoutedSchema.safeParse(batch);

    expect(issuesOf(result)).toEqual(['custom mentions']);
    expect(result.error?.issues[0]?.message).toBe('every mention must name the batch department and role');
  });

  it('reads a routed envelope and a case event, and refuses an envelope of another source', () => {
    const routed = {
      'detail-type': DETAIL_TYPES.mentionRouted,
      source: EVENT_SOURCE,
      detail: mentionRoutedFactory(),
    };
    const caseEvent = { 'detail-type': 'Case Assigned', source: EVENT_SOURCE, detail: caseEventFactory() };

    expect(RoutedEnvelopeSchema.parse(routed)).toEqual(routed);
    expect(DepartmentEnvelopeSchema.parse(caseEvent)).toEqual(caseEvent);
    expect(issuesOf(DepartmentEnvelopeSchema.safeParse({ ...routed, source: 'someone-else' }))).toEqual([
      'invalid_union ',
    ]);
  });
});
