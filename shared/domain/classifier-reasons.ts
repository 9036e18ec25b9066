import type { Classification, Reason } from './classification.ts';
import { cutText } from './notification.ts';

/** Features named per decision: enough to see why, short enough for a chat message. */
const FEATURES_PER_DECISION = 3;
/** Longest line, in characters: a feature quotes a word of the text, and a "word" may be a long run of letters. */
export const CLASSIFIER_REASON_CHARS = 200;

/**
 * The classifier's reasons as a person reads them, one short line per decision: the label,
 * how sure, and the words and features that weighed most for it, e.g.
 * `category complaint (54%): word "angekommen", word "antwortet"`. Notifications, the case
 * view and `backchannel classify` show them beside the routing reasons.
 *
 * They quote words of the mention, so they travel with its text: erasure removes them
 * wherever it removes the text (the stored mention, its case records, the outbox).
 *
 * @example
 * classifierReasonsOf(classification);
 * // ['category complaint (54%): word "angekommen", word "antwortet", word "bestellung"',
 * //  'sentiment negative (93%): word "antwortet", word "angekommen"', 'urgency 0.51: negative sentiment, complaint']
 */
export function classifierReasonsOf(classification: Classification, perDecision = FEATURES_PER_DECISION): string[] {
  const lines: string[] = [];
  const line = (head: string, decision: Reason['decision'], label?: string) => {
    const features = strongest(classification.reasons, decision, label, perDecision);
    lines.push(cutText(features.length > 0 ? `${head}: ${features.join(', ')}` : head, CLASSIFIER_REASON_CHARS));
  };
  line(
    `category ${classification.category} (${percent(classification.confidence)})`,
    'category',
    classification.category,
  );
  const sentiment = classification.sentiments?.find((s) => s.label === classification.sentiment);
  line(
    `sentiment ${classification.sentiment}${sentiment ? ` (${percent(sentiment.probability)})` : ''}`,
    'sentiment',
    classification.sentiment,
  );
  const relevance = classification.relevance;
  line(
    `${classification.relevant ? 'relevant' : 'not relevant'}${relevance === undefined ? '' : ` (${percent(classification.relevant ? relevance : 1 - relevance)})`}`,
    'relevance',
    classification.relevant ? 'relevant' : undefined,
  );
  if (classification.urgency > 0) line(`urgency ${classification.urgency.toFixed(2)}`, 'urgency');
  if (classification.languageFallback)
    lines.push(`language ${classification.language}: no model of its own, the language-agnostic model decided`);
  return lines;
}

/**
 * A decision's strongest reasons: the company's own rules and terms first (a keyword rule, a
 * brand term), then the features that pushed toward the label (weight > 0, strongest first,
 * `label: ` prefix dropped), then notes on the decision as a whole (`only 2 letters: low
 * confidence`).
 */
function strongest(
  reasons: readonly Reason[],
  decision: Reason['decision'],
  label: string | undefined,
  limit: number,
): string[] {
  const prefix = label === undefined ? undefined : `${label}: `;
  const mine = reasons.filter((r) => r.decision === decision);
  const company = mine.filter((r) => /^(rule |brand term )/.test(r.feature)).map((r) => r.feature);
  const features = mine
    .filter((r) => r.weight > 0 && !/^(rule |brand term )/.test(r.feature))
    .sort((a, b) => b.weight - a.weight)
    .slice(0, limit)
    .map((r) => (prefix !== undefined && r.feature.startsWith(prefix) ? r.feature.slice(prefix.length) : r.feature));
  const notes = mine.filter((r) => r.weight === 0).map((r) => r.feature);
  return [...company, ...features, ...notes];
}

function percent(p: number): string {
  return `${Math.round(p * 100)}%`;
}

/**
 * What is stored of a classification with its mention (written once, read back only by a
 * redelivery, what-if, corrections and erasure): the decisions, their probabilities, and of
 * its features only those `classifierReasonsOf` shows (the strongest per decision, the
 * company's rules and brand terms, the notes), so the stored mention reads the same reasons
 * as the first delivery did. The full feature list and every category's probability stay
 * out: about a third of the classification, on an item that costs a write unit per KB.
 */
export function storedClassificationOf(classification: Classification): Classification {
  const { categories: _all, ...kept } = classification;
  const byDecision = new Map<Reason['decision'], Reason[]>();
  for (const reason of classification.reasons) {
    byDecision.set(reason.decision, [...(byDecision.get(reason.decision) ?? []), reason]);
  }
  const reasons = [...byDecision.values()].flatMap((mine) => {
    const isCompany = (r: Reason) => /^(rule |brand term )/.test(r.feature);
    const strongestPositive = new Set(
      mine
        .filter((r) => r.weight > 0 && !isCompany(r))
        .sort((a, b) => b.weight - a.weight)
        .slice(0, FEATURES_PER_DECISION),
    );
    return mine.filter((r) => isCompany(r) || r.weight === 0 || strongestPositive.has(r));
  });
  return { ...kept, reasons };
}
