import { describe, expect, it } from 'vitest';
import {
  CASE_EVENT_DETAIL_TYPES,
  consumedCaseEvents,
  isCaseEventConsumed,
} from '../../../shared/domain/case-event-publishing.ts';
import { matchesPattern } from '../../../infra/local/event-pattern.ts';
import { buildTopology } from '../../../infra/topology.ts';
import type { CaseAction } from '../../../shared/domain/case.ts';
import { CASE_DETAIL_TYPES } from '../../../shared/domain/events.ts';
import { demoConfig } from '../../factories/config.ts';
import { caseEventFactory } from '../../factories/notification.ts';

/** The action of each case detail-type. */
const CASE_ACTION_OF = new Map(
  Object.entries(CASE_DETAIL_TYPES).map(([action, type]) => [type as string, action as CaseAction]),
);

/** `Case Assigned` as classify-mention makes it when it opens a case: nobody to notify. */
const assigned = caseEventFactory({ action: 'assign', transitionId: 'assign:facebook:1', recipients: [] });
/** `Case Escalated` to press and legal: their notify rules take it. */
const escalated = caseEventFactory({ action: 'escalate', transitionId: 'escalate:1', recipients: ['press', 'legal'] });
/** `Case Routing Applied` of a joining mention that raised the priority only. */
const routingApplied = caseEventFactory({ action: 'apply-routing', transitionId: 'routing:x:2', recipients: [] });

describe('isCaseEventConsumed', () => {
  it('withholds a case event without recipients when the company lists no case events (the default)', () => {
    // Act
    const consumed = isCaseEventConsumed(assigned, []);

    // Assess
    expect(consumed).toBe(false);
  });

  it('puts a case event with recipients whatever the company lists: a notify rule takes it', () => {
    // Act
    const consumed = [isCaseEventConsumed(escalated, []), isCaseEventConsumed(escalated, ['Case Resolved'])];

    // Assess
    expect(consumed).toEqual([true, true]);
  });

  it('puts a case event without recipients whose detail-type the company lists, and only that one', () => {
    // Act
    const consumed = [
      isCaseEventConsumed(assigned, ['Case Assigned']),
      isCaseEventConsumed(routingApplied, ['Case Assigned']),
    ];

    // Assess
    expect(consumed).toEqual([true, false]);
  });

  it.each(CASE_EVENT_DETAIL_TYPES.map((type) => [type]))(
    'puts %s without recipients when the company takes all',
    (type) => {
      // Arrange
      const action = CASE_ACTION_OF.get(type);
      const event = caseEventFactory({ ...(action ? { action } : {}), recipients: [] });

      // Act
      const consumed = isCaseEventConsumed(event, 'all');

      // Assess
      expect(action).toBeDefined();
      expect(consumed).toBe(true);
    },
  );
});

describe('consumedCaseEvents', () => {
  it('keeps the consumed events in their order and counts the withheld ones', () => {
    // Act
    const outcome = consumedCaseEvents([assigned, escalated, routingApplied], []);

    // Assess
    expect(outcome).toEqual({ consumed: [escalated], withheld: 2 });
  });

  it('withholds nothing when the company takes all', () => {
    // Act
    const outcome = consumedCaseEvents([assigned, escalated, routingApplied], 'all');

    // Assess
    expect(outcome).toEqual({ consumed: [assigned, escalated, routingApplied], withheld: 0 });
  });
});

describe("the topology's consumers of case events", () => {
  // The decision above takes "has recipients" for "a rule of the stack consumes it": this
  // holds it to the topology. A rule that takes case events without recipients must be
  // added to isCaseEventConsumed first.
  const rules = buildTopology(demoConfig()).bus.rules;
  const envelopeOf = (event: typeof assigned) => ({
    version: '0',
    id: 'e',
    account: '000000000000',
    region: 'eu-central-1',
    time: event.at,
    resources: [],
    source: 'backchannel',
    'detail-type': CASE_DETAIL_TYPES[event.action],
    detail: event,
  });

  it.each(CASE_EVENT_DETAIL_TYPES.map((type) => [type]))('no rule takes %s without recipients', (type) => {
    // Arrange
    const event = caseEventFactory({ action: CASE_ACTION_OF.get(type) as CaseAction, recipients: [] });

    // Act
    const matched = rules.filter((rule) => matchesPattern(rule.pattern, envelopeOf(event)));

    // Assess
    expect(matched.map((r) => r.id)).toEqual([]);
  });

  it('the notify rules of its recipients take a case event that names them', () => {
    // Act
    const matched = rules.filter((rule) => matchesPattern(rule.pattern, envelopeOf(escalated)));

    // Assess
    expect(matched.map((r) => r.id).sort()).toEqual(['notify-legal', 'notify-press']);
  });
});
