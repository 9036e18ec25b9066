import { describe, expect, it } from 'vitest';
import { emailHtml, slackMessage, teamsMessage } from '../../../shared/adapters/notify/index.ts';
import { NgramClassifier } from '../../../shared/classifier/ngram-classifier.ts';
import type { Classification } from '../../../shared/domain/classification.ts';
import {
  CLASSIFIER_REASON_CHARS,
  classifierReasonsOf,
  storedClassificationOf,
} from '../../../shared/domain/classifier-reasons.ts';
import { notificationForMention, notificationText } from '../../../shared/domain/notification.ts';
import { caseFactory } from '../../factories/case.ts';
import { demoConfig } from '../../factories/config.ts';
import { mentionRoutedFactory } from '../../factories/mention.ts';

function classification(overrides: Partial<Classification> = {}): Classification {
  return {
    language: 'de',
    relevant: true,
    sentiment: 'negative',
    category: 'complaint',
    urgency: 0.51,
    confidence: 0.5394,
    relevance: 0.97,
    sentiments: [
      { label: 'negative', probability: 0.9268 },
      { label: 'neutral', probability: 0.05 },
      { label: 'positive', probability: 0.0232 },
    ],
    model: 'ngram-de@test',
    reasons: [
      { decision: 'language', feature: 'function words: de', weight: 1 },
      { decision: 'relevance', feature: 'relevant: word "bestellung"', weight: 0.26 },
      { decision: 'relevance', feature: 'relevant: word "meine"', weight: -0.22 },
      { decision: 'sentiment', feature: 'negative: word "antwortet"', weight: 0.71 },
      { decision: 'category', feature: 'complaint: word "bestellung"', weight: 0.57 },
      { decision: 'category', feature: 'complaint: word "angekommen"', weight: 1.42 },
      { decision: 'category', feature: 'complaint: word "antwortet"', weight: 1.27 },
      { decision: 'category', feature: 'complaint: chars "kaput"', weight: 0.3 },
      { decision: 'category', feature: 'rule warranty: "garantie" adds legal_risk', weight: 1 },
      { decision: 'urgency', feature: 'negative sentiment', weight: 0.33 },
      { decision: 'urgency', feature: 'complaint', weight: 0.05 },
    ],
    ...overrides,
  };
}

describe('classifierReasonsOf', () => {
  it('names per decision the label, how sure, the company rules and the three strongest features for it', () => {
    // Act
    const lines = classifierReasonsOf(classification());

    // Assess
    expect(lines).toEqual([
      'category complaint (54%): rule warranty: "garantie" adds legal_risk, word "angekommen", word "antwortet", word "bestellung"',
      'sentiment negative (93%): word "antwortet"',
      'relevant (97%): word "bestellung"',
      'urgency 0.51: negative sentiment, complaint',
    ]);
  });

  it('says when the text is too short to be sure, and when no language model of its own decided', () => {
    // Arrange
    const short = classification({
      relevant: false,
      relevance: 0.3,
      urgency: 0,
      languageFallback: true,
      language: 'hr',
      reasons: [{ decision: 'category', feature: 'only 2 letters: low confidence', weight: 0 }],
    });

    // Act
    const lines = classifierReasonsOf(short);

    // Assess
    expect(lines).toEqual([
      'category complaint (54%): only 2 letters: low confidence',
      'sentiment negative (93%)',
      'not relevant (70%)',
      'language hr: no model of its own, the language-agnostic model decided',
    ]);
  });

  it('cuts a line that quotes a very long word', () => {
    // Arrange
    const long = classification({
      reasons: [{ decision: 'category', feature: `complaint: word "${'a'.repeat(5000)}"`, weight: 2 }],
    });

    // Act
    const [category] = classifierReasonsOf(long);

    // Assess
    expect(category).toHaveLength(CLASSIFIER_REASON_CHARS);
    expect(category?.endsWith('…')).toBe(true);
  });

  it("reads the shipped classifier's reasons: the words that decided a complaint", () => {
    // Arrange
    const result = new NgramClassifier().classify({
      text: 'Mein Fahrrad ist kaputt und niemand antwortet auf meine Reklamation.',
    });

    // Act
    const lines = classifierReasonsOf(result);

    // Assess
    expect(lines[0]).toMatch(new RegExp(`^category ${result.category} \\(\\d+%\\): (word|chars|signal|bigram)`));
    expect(lines.length).toBeLessThanOrEqual(5);
    expect(lines.every((line) => line.length < 200)).toBe(true);
  });
});

describe('storedClassificationOf', () => {
  it('keeps the decisions and the features the reasons name, and drops the rest', () => {
    // Arrange
    const full = new NgramClassifier().classify({
      text: 'Mein Fahrrad ist kaputt und niemand antwortet auf meine Reklamation. Seit drei Wochen!',
    });

    // Act
    const stored = storedClassificationOf(full);

    // Assess
    expect(classifierReasonsOf(stored)).toEqual(classifierReasonsOf(full));
    expect(stored).toMatchObject({
      category: full.category,
      sentiment: full.sentiment,
      confidence: full.confidence,
      urgency: full.urgency,
      relevant: full.relevant,
      model: full.model,
    });
    expect(stored.categories).toBeUndefined();
    expect(stored.reasons.length).toBeLessThan(full.reasons.length);
    expect(JSON.stringify(stored).length).toBeLessThan(JSON.stringify(full).length * 0.8);
  });

  it("keeps the company's rules and brand terms however weak", () => {
    // Arrange
    const full = classification();

    // Act
    const stored = storedClassificationOf(full);

    // Assess
    expect(stored.reasons).toContainEqual({
      decision: 'category',
      feature: 'rule warranty: "garantie" adds legal_risk',
      weight: 1,
    });
    expect(stored.reasons).not.toContainEqual(expect.objectContaining({ feature: 'relevant: word "meine"' }));
  });
});

describe("the classifier's reasons in notifications", () => {
  const config = demoConfig();
  const service = config.departments.find((d) => d.id === 'service')!;
  const routed = mentionRoutedFactory({
    classifierReasons: [
      'category complaint (54%): word "kaputt", word "antwortet"',
      'sentiment negative (93%): word "antwortet"',
    ],
  });
  const n = notificationForMention(routed, caseFactory(), service, { timezone: 'Europe/Berlin' });

  it('reach the notification and its plain text (e-mail text part, outbox)', () => {
    // Act
    const text = notificationText(n);

    // Assess
    expect(n.mention?.classifierReasons).toEqual(routed.classifierReasons);
    expect(text).toContain(
      'What the classifier saw:\n- category complaint (54%): word "kaputt", word "antwortet"\n- sentiment negative (93%): word "antwortet"',
    );
  });

  it('reach Slack, Teams and the e-mail HTML, escaped for each', () => {
    // Act
    const slack = JSON.stringify(slackMessage(n));
    const teams = JSON.stringify(teamsMessage(n));
    const html = emailHtml(n);

    // Assess
    expect(slack).toContain('*What the classifier saw*\\n• category complaint (54%): word \\"kaputt\\"');
    expect(teams).toContain('What the classifier saw');
    expect(teams).toContain('- sentiment negative (93%): word \\"antwortet\\"');
    expect(html).toContain('<li>category complaint (54%): word &quot;kaputt&quot;, word &quot;antwortet&quot;</li>');
  });

  it('are left out of a notification of a mention routed before they existed', () => {
    // Arrange
    const old = notificationForMention(mentionRoutedFactory(), caseFactory(), service, { timezone: 'Europe/Berlin' });

    // Act
    const text = notificationText(old);

    // Assess
    expect(old.mention).not.toHaveProperty('classifierReasons');
    expect(text).not.toContain('What the classifier saw');
  });
});
