import { describe, expect, it } from 'vitest';
import { parseCompanyConfigYaml } from '../../../../shared/config/load.ts';
import { routingPolicyOf } from '../../../../shared/config/schema.ts';
import type { Classification, Classifier } from '../../../../shared/domain/classification.ts';
import { classifyMention, type ClassifyMentionDeps } from '../../../../shared/domain/classify-mention.ts';
import { MentionRoutedSchema } from '../../../../shared/domain/events.ts';
import { classificationFactory } from '../../../factories/classification.ts';
import { mentionFactory } from '../../../factories/mention.ts';
import { fixedClock, InMemoryCases, InMemoryMentions, RecordingPublisher } from '../../../fakes/in-memory.ts';

/** classify-mention with a config's rules: one event per receiving department, the rule's SLA, the decision stored. */
const config = parseCompanyConfigYaml(
  `company: { id: acme, name: ACME, timezone: Europe/Berlin }
departments:
  - { id: sales, name: Sales, categories: [sales_lead], sla: { high: 1h, normal: 4h, low: 1d } }
  - { id: support, name: Support, categories: [complaint], sla: { high: 2h, normal: 8h, low: 2d } }
  - { id: press, name: Press, sla: { high: 1h, normal: 4h, low: 1d } }
routing:
  fallback: support
  rules:
    - id: key-account-complaint
      when: { keyAccount: true, category: complaint }
      then: { department: sales, cc: [support, press], priority: high, sla: 30m, tags: [key-account], requireApproval: true }
keywords:
  keyAccounts:
    - { id: nordwerk, name: Nordwerk AG, terms: [Nordwerk], owner: { name: Jonas Berg } }
# Someone must be able to sign in to approve (validate refuses approval rules otherwise).
admin:
  auth: { issuer: "https://login.example.com", audience: [console] }
`,
  'acme.yaml',
);

const complaint: Classifier = {
  classify: (): Classification => classificationFactory({ model: 'stub' }),
};

function setup() {
  const mentions = new InMemoryMentions();
  const cases = new InMemoryCases();
  const events = new RecordingPublisher();
  const deps: ClassifyMentionDeps = {
    companyId: 'acme',
    classifier: complaint,
    policy: routingPolicyOf(config),
    sla: (department, priority) => config.departments.find((d) => d.id === department)!.sla[priority],
    retentionDays: 30,
    mentions,
    cases,
    events,
    clock: fixedClock('2026-11-28T10:00:00.000Z'),
  };
  return { deps, mentions, cases, events };
}

describe('classifyMention with routing rules', () => {
  it('publishes one Mention Routed per receiving department, primary first, each with the reasons', async () => {
    const { deps, events } = setup();

    const outcome = await classifyMention(
      mentionFactory({ text: 'Nordwerk wartet seit Wochen auf Ersatzteile!' }),
      deps,
    );

    expect(outcome).toMatchObject({ status: 'routed', departments: ['sales', 'support', 'press'] });
    expect(events.published.map((e) => [e.department, e.role])).toEqual([
      ['sales', 'primary'],
      ['support', 'cc'],
      ['press', 'cc'],
    ]);
    for (const event of events.published) {
      expect(MentionRoutedSchema.parse(event)).toMatchObject({
        priority: 'high',
        tags: ['key-account'],
        requireApproval: true,
        matchedRules: ['key-account-complaint'],
        keyAccounts: [{ id: 'nordwerk', name: 'Nordwerk AG', owner: { name: 'Jonas Berg' } }],
        reasons: expect.arrayContaining([expect.stringContaining('account owner Jonas Berg')]),
      });
    }
  });

  it("opens the case due by the rule's SLA and stores the decision with the mention", async () => {
    const { deps, cases, mentions } = setup();
    const mention = mentionFactory({ text: 'Bei Nordwerk steht die Linie still' });

    const outcome = await classifyMention(mention, deps);

    expect(cases.cases.get(outcome.caseId)).toMatchObject({
      department: 'sales',
      cc: ['support', 'press'],
      dueAt: '2026-11-28T10:30:00.000Z',
    });
    expect(mentions.items.get(mention.id)?.routing.matched).toEqual([
      {
        rule: 'key-account-complaint',
        why: [
          'category complaint is one of complaint',
          'key account Nordwerk AG ("Nordwerk" in the text), account owner Jonas Berg',
        ],
        effects: [
          'department sales',
          'cc support',
          'cc press',
          'priority high',
          'tag key-account',
          'SLA 30 business minutes',
          'approval required before replying',
          'stop',
        ],
      },
    ]);
  });
});
