import { describe, expect, it } from 'vitest';
import type { Classification } from '../../../../shared/domain/classification.ts';
import { evaluateRules, type Condition, type RoutingPolicy, type Rule } from '../../../../shared/domain/rules/index.ts';
import { mentionFactory } from '../../../factories/mention.ts';

function classification(overrides: Partial<Classification> = {}): Classification {
  return {
    language: 'de',
    relevant: true,
    sentiment: 'neutral',
    category: 'question',
    urgency: 0.1,
    confidence: 0.8,
    reasons: [],
    model: 'test',
    ...overrides,
  };
}

const departments = [
  { id: 'service', categories: ['complaint', 'question'] },
  { id: 'sales', categories: ['sales_lead'] },
  { id: 'press', categories: ['press_inquiry'] },
  { id: 'legal', categories: ['legal_risk'] },
  { id: 'community', categories: [] },
];

function policyWith(rules: Rule[], extra: Partial<RoutingPolicy> = {}): RoutingPolicy {
  return {
    departments,
    fallback: 'community',
    rules,
    keywordLists: { stores: ['Filiale Altona', 'Ottensen'], competitors: ['Velomarkt'] },
    keyAccounts: [
      {
        id: 'nordwerk',
        name: 'Nordwerk AG',
        terms: ['Nordwerk'],
        handles: ['@nordwerk_ag'],
        owner: { name: 'Jonas Berg', email: 'jonas@example.com' },
      },
    ],
    ...extra,
  };
}

/** One rule sending to `press` when `when` holds. */
const onlyRule = (when: Condition): RoutingPolicy => policyWith([{ id: 'r', when, then: { department: 'press' } }]);

describe('evaluateRules: each condition', () => {
  const mention = mentionFactory({
    platform: 'instagram',
    kind: 'comment',
    text: 'Ist die Filiale Altona samstags offen? Bei Velomarkt ist alles teurer. Bestellnummer A-12345',
    author: { id: 'u1', handle: 'Erika_M', followers: 25_000 },
  });
  const facts = classification({
    category: 'question',
    sentiment: 'negative',
    urgency: 0.75,
    confidence: 0.62,
    language: 'de',
  });

  it.each<[string, Condition, boolean]>([
    ['category in the list', { category: ['question', 'complaint'] }, true],
    ['category not in the list', { category: ['praise'] }, false],
    ['sentiment', { sentiment: ['negative'] }, true],
    ['urgency range', { urgency: { min: 0.7 } }, true],
    ['urgency above max', { urgency: { max: 0.5 } }, false],
    ['confidence range', { confidence: { min: 0.5, max: 0.7 } }, true],
    ['relevant', { relevant: true }, true],
    ['not relevant', { relevant: false }, false],
    ['language', { language: ['de'] }, true],
    ['other language', { language: ['en'] }, false],
    ['platform', { platform: ['instagram'] }, true],
    ['other platform', { platform: ['facebook'] }, false],
    ['kind', { kind: ['comment'] }, true],
    ['other kind', { kind: ['review'] }, false],
    ['keyword at a word start, any case', { keywords: ['samstag'] }, true],
    ['keyword inside a word does not match', { keywords: ['stags'] }, false],
    ['keyword list', { keywordLists: ['stores'] }, true],
    ['keyword list without a hit', { keywordLists: ['nothing'] }, false],
    ['regex', { regex: ['A-\\d{5}'] }, true],
    ['regex without a hit', { regex: ['^never$'] }, false],
    ['author handle without @, any case', { author: { handles: ['@erika_m'] } }, true],
    ['author follower minimum', { author: { minFollowers: 10_000 } }, true],
    ['author follower maximum', { author: { maxFollowers: 1_000 } }, false],
    ['author id', { author: { ids: ['u2'] } }, false],
    ['risk flag high_reach', { risk: ['high_reach'] }, true],
    ['risk flag negative_high_reach', { risk: ['negative_high_reach'] }, true],
    ['risk flag urgent', { risk: ['urgent'] }, true],
    ['risk flag legal', { risk: ['legal'] }, false],
    ['key account', { keyAccount: true }, false],
  ])('%s', (_name, when, matches) => {
    // Act
    const routing = evaluateRules(facts, mention, onlyRule(when));

    // Assess
    expect(routing.department).toBe(matches ? 'press' : 'service');
  });
});

describe('evaluateRules: combinations', () => {
  const mention = mentionFactory({ text: 'Meine Bestellung ist verspätet' });

  it.each<[string, Condition, boolean]>([
    ['all of two that hold', { all: [{ category: ['complaint'] }, { keywords: ['Bestellung'] }] }, true],
    ['all with one that fails', { all: [{ category: ['complaint'] }, { keywords: ['Rechnung'] }] }, false],
    ['any with one that holds', { any: [{ category: ['praise'] }, { keywords: ['Bestellung'] }] }, true],
    ['any with none', { any: [{ category: ['praise'] }, { keywords: ['Rechnung'] }] }, false],
    ['not of one that fails', { not: { category: ['praise'] } }, true],
    ['not of one that holds', { not: { category: ['complaint'] } }, false],
    ['keys of one condition are and-ed', { category: ['complaint'], sentiment: ['positive'] }, false],
    ['nested', { any: [{ all: [{ sentiment: ['negative'] }, { not: { keywords: ['Rechnung'] } }] }] }, true],
  ])('%s', (_name, when, matches) => {
    const routing = evaluateRules(
      classification({ category: 'complaint', sentiment: 'negative' }),
      mention,
      onlyRule(when),
    );

    expect(routing.department).toBe(matches ? 'press' : 'service');
  });
});

describe('evaluateRules: order, stop and continue', () => {
  const mention = mentionFactory({ text: 'Frage zu Velomarkt' });

  it('lets the first matching rule decide and stops there', () => {
    const policy = policyWith([
      { id: 'first', when: { category: ['question'] }, then: { department: 'sales', tags: ['a'] } },
      { id: 'second', when: { category: ['question'] }, then: { department: 'press', tags: ['b'] } },
    ]);

    const routing = evaluateRules(classification(), mention, policy);

    expect(routing).toMatchObject({ department: 'sales', tags: ['a'] });
    expect(routing.matched?.map((m) => m.rule)).toEqual(['first']);
  });

  it('keeps evaluating after a rule that continues, adding its tags and cc', () => {
    const policy = policyWith([
      {
        id: 'competitor',
        when: { keywordLists: ['competitors'] },
        then: { tags: ['competitor'], cc: ['press'], continue: true },
      },
      { id: 'questions', when: { category: ['question'] }, then: { department: 'sales', tags: ['q'] } },
    ]);

    const routing = evaluateRules(classification(), mention, policy);

    expect(routing).toMatchObject({ department: 'sales', cc: ['press'], tags: ['competitor', 'q'] });
    expect(routing.matched?.map((m) => [m.rule, m.effects.at(-1)])).toEqual([
      ['competitor', 'continue'],
      ['questions', 'stop'],
    ]);
  });

  it('keeps the department, priority and SLA of the first rule that set them and says so', () => {
    const policy = policyWith([
      {
        id: 'a',
        when: { category: ['question'] },
        then: { department: 'sales', priority: 'high', sla: { days: 0, minutes: 30 }, continue: true },
      },
      { id: 'b', when: {}, then: { department: 'press', priority: 'low', sla: { days: 1, minutes: 0 } } },
    ]);

    const routing = evaluateRules(classification(), mention, policy);

    expect(routing).toMatchObject({ department: 'sales', priority: 'high', sla: { days: 0, minutes: 30 } });
    expect(routing.matched?.[1]?.effects).toEqual([
      'department press not taken: rule a decided sales',
      'priority low not taken: rule a set high',
      'SLA 1 business day not taken: rule a set 30 business minutes',
      'stop',
    ]);
  });

  it("evaluates the explicit rules before the departments' categories", () => {
    const policy = policyWith([
      { id: 'questions-to-sales', when: { category: ['question'] }, then: { department: 'sales' } },
    ]);

    expect(evaluateRules(classification(), mention, policy).department).toBe('sales');
  });

  it('routes by category ownership when no rule decides', () => {
    const routing = evaluateRules(classification({ category: 'sales_lead' }), mention, policyWith([]));

    expect(routing.department).toBe('sales');
    expect(routing.reasons[0]).toBe(
      'rule sales.categories: relevant to the company; category sales_lead is one of sales_lead -> department sales, stop',
    );
  });
});

describe('evaluateRules: fallback', () => {
  it('sends what no rule routes to the fallback department and says so', () => {
    const routing = evaluateRules(classification({ category: 'praise' }), mentionFactory(), policyWith([]));

    expect(routing.department).toBe('community');
    expect(routing.reasons[0]).toBe('no rule decided the department: fallback department community');
  });

  it('does not route an irrelevant mention by category ownership', () => {
    const routing = evaluateRules(
      classification({ relevant: false, category: 'complaint' }),
      mentionFactory(),
      policyWith([]),
    );

    expect(routing.department).toBe('community');
    expect(routing.reasons[0]).toContain('not relevant to the company');
  });

  it('falls back when the only matching rule sets no department, keeping its tags', () => {
    const policy = policyWith([{ id: 'tag', when: {}, then: { tags: ['seen'] } }]);

    const routing = evaluateRules(classification({ category: 'praise' }), mentionFactory(), policy);

    expect(routing).toMatchObject({ department: 'community', tags: ['seen'] });
  });
});

describe('evaluateRules: actions', () => {
  it('copies cc departments but never the primary one', () => {
    const policy = policyWith([
      { id: 'r', when: {}, then: { department: 'service', cc: ['press', 'service', 'legal'] } },
    ]);

    expect(evaluateRules(classification(), mentionFactory(), policy).cc).toEqual(['press', 'legal']);
  });

  it('sets priority, SLA and approval from the rule', () => {
    const policy = policyWith([
      {
        id: 'r',
        when: {},
        then: { department: 'legal', priority: 'high', sla: { days: 0, minutes: 45 }, requireApproval: true },
      },
    ]);

    const routing = evaluateRules(classification(), mentionFactory(), policy);

    expect(routing).toMatchObject({
      department: 'legal',
      priority: 'high',
      sla: { days: 0, minutes: 45 },
      requireApproval: true,
    });
    expect(routing.reasons).toContain('priority high from rule r');
  });

  it.each([
    [{ urgency: 0.8 }, 'high'],
    [{ category: 'legal_risk' as const }, 'high'],
    [{ sentiment: 'negative' as const }, 'normal'],
    [{ urgency: 0.1 }, 'low'],
  ])('derives the priority from %o as %s when no rule sets it', (overrides, priority) => {
    expect(evaluateRules(classification(overrides), mentionFactory(), policyWith([])).priority).toBe(priority);
  });
});

describe('evaluateRules: key accounts and explanations', () => {
  it('names the key account and its owner, found in the text', () => {
    const policy = policyWith([{ id: 'key', when: { keyAccount: true }, then: { department: 'sales' } }]);
    const mention = mentionFactory({ text: 'Die Lieferung an Nordwerk ist schon wieder zu spät' });

    const routing = evaluateRules(classification({ category: 'complaint' }), mention, policy);

    expect(routing.department).toBe('sales');
    expect(routing.keyAccounts).toEqual([
      { id: 'nordwerk', name: 'Nordwerk AG', owner: { name: 'Jonas Berg', email: 'jonas@example.com' } },
    ]);
    expect(routing.matched?.[0]?.why).toEqual([
      'key account Nordwerk AG ("Nordwerk" in the text), account owner Jonas Berg',
    ]);
    expect(routing.reasons).toContain('key account Nordwerk AG ("Nordwerk" in the text): account owner Jonas Berg');
  });

  it('recognizes a key account by its author handle', () => {
    const policy = policyWith([{ id: 'key', when: { keyAccount: ['nordwerk'] }, then: { department: 'sales' } }]);
    const mention = mentionFactory({
      text: 'Danke für den schnellen Support',
      author: { id: '9', handle: '@Nordwerk_AG' },
    });

    expect(evaluateRules(classification({ category: 'praise' }), mention, policy).department).toBe('sales');
  });

  it('explains a matched rule with every part of its condition and its effects', () => {
    const policy = policyWith([
      {
        id: 'store',
        when: { category: ['question'], keywordLists: ['stores'], not: { sentiment: ['negative'] } },
        then: { department: 'service', tags: ['store'] },
      },
    ]);
    const mention = mentionFactory({ text: 'Hat die Filiale Altona heute offen?' });

    const routing = evaluateRules(classification(), mention, policy);

    expect(routing.matched).toEqual([
      {
        rule: 'store',
        why: [
          'category question is one of question',
          'text contains "Filiale Altona" (keyword list stores)',
          'not: sentiment neutral is not one of negative',
        ],
        effects: ['department service', 'tag store', 'stop'],
      },
    ]);
  });

  it("uses the mention's language when the classifier could not tell", () => {
    const mention = mentionFactory({ language: 'en', text: 'where is my order' });

    const routing = evaluateRules(classification({ language: 'und' }), mention, onlyRule({ language: ['en'] }));

    expect(routing.department).toBe('press');
  });

  it('gives the same decision and words for the same input', () => {
    const policy = policyWith([
      {
        id: 'r',
        when: { any: [{ keywords: ['zu'] }, { regex: ['\\d'] }] },
        then: { department: 'press', cc: ['legal'] },
      },
    ]);
    const mention = mentionFactory({ text: 'Frage zu 3 Rädern' });

    expect(evaluateRules(classification(), mention, policy)).toEqual(evaluateRules(classification(), mention, policy));
  });
});
