import type { Reason } from '../domain/classification.ts';
import type { TextSignals } from './normalize.ts';

/**
 * Urgency (0..1) from explainable signals: how negative the mention is, whether it reads as
 * a legal risk or a complaint, threat and escalation words, the author's reach, and shouting
 * (`!!!`, capitals). Each part that counts becomes a reason.
 */

/**
 * Escalation words, folded like the model's input (ä -> ae, ß -> ss, lower case); a word
 * matches when a token starts with it.
 */
export const ESCALATION_STEMS: readonly string[] = [
  // legal and regulators
  'anwalt',
  'anwaelt',
  'rechtsanwalt',
  'verbraucherzentrale',
  'verbraucherschutz',
  'klage',
  'verklag',
  'abmahn',
  'gericht',
  'strafanzeige',
  'polizei',
  'bundesnetzagentur',
  'schlichtung',
  'lawyer',
  'attorney',
  'solicitor',
  'lawsuit',
  'sue',
  'suing',
  'court',
  'ombudsman',
  'regulator',
  'ofcom',
  'ftc',
  'chargeback',
  // public pressure
  'shitstorm',
  'boykott',
  'boycott',
  'presse',
  'zeitung',
  'journalist',
  'reporter',
  'viral',
  'bbc',
  // harm and fraud
  'betrug',
  'betrueger',
  'fraud',
  'scam',
  'abzocke',
  'unfall',
  'verletz',
  'injur',
  'gefahr',
  'gefaehrlich',
  'danger',
  'unsafe',
  'rueckruf',
  'recall',
  'datenleck',
  'breach',
  'gdpr',
  'dsgvo',
  'datenschutz',
  // deadlines and leaving
  'sofort',
  'immediately',
  'asap',
  'frist',
  'deadline',
  'kuendig',
  'cancel',
];

/**
 * The first three UTF-16 code units of a string as one small integer (no string is built per
 * token, and a small integer is a Map key that allocates nothing, unlike a 48-bit one). Other
 * letters than a-z may share a key; every stem found under it is still compared in full.
 */
function prefixKey(s: string): number {
  return ((s.charCodeAt(0) << 20) ^ (s.charCodeAt(1) << 10) ^ s.charCodeAt(2)) & 0x3fffffff;
}

/** Stems by their first three letters: a token is compared only with stems it could start with. */
const STEMS_BY_PREFIX: ReadonlyMap<number, readonly string[]> = ESCALATION_STEMS.reduce((map, stem) => {
  map.set(prefixKey(stem), [...(map.get(prefixKey(stem)) ?? []), stem]);
  return map;
}, new Map<number, string[]>());

export interface UrgencyInput {
  readonly tokens: readonly string[];
  readonly signals: TextSignals;
  readonly negative: number;
  readonly legalRisk: number;
  readonly complaint: number;
  readonly relevant: boolean;
  readonly followers?: number | undefined;
}

/** Urgency and its reasons. */
export function urgencyOf(input: UrgencyInput): { urgency: number; reasons: Reason[] } {
  const reasons: Reason[] = [];
  const part = (feature: string, weight: number) => {
    if (weight > 0.005) reasons.push({ decision: 'urgency', feature, weight: round(weight) });
    return weight;
  };
  let u = 0;
  u += part('negative sentiment', 0.35 * input.negative);
  u += part('legal risk or crisis', 0.3 * input.legalRisk);
  u += part('complaint', 0.1 * input.complaint);

  // Built on the first hit only: most mentions name no escalation word.
  let hits: Set<string> | undefined;
  for (const token of input.tokens) {
    if (token.length < 3) continue;
    const stems = STEMS_BY_PREFIX.get(prefixKey(token));
    if (!stems) continue;
    for (const stem of stems) {
      if (!token.startsWith(stem) || (stem.length < 4 && token !== stem)) continue;
      hits ??= new Set();
      hits.add(stem);
    }
  }
  let escalation = 0;
  for (const stem of hits ? [...hits].sort() : []) {
    if (escalation >= 0.45) break;
    escalation += part(`escalation word "${stem}"`, Math.min(0.2, 0.45 - escalation));
  }
  u += escalation;

  const followers = input.followers ?? 0;
  if (followers >= 1000)
    u += part(`author reach ${followers} followers`, 0.05 * Math.min(4, Math.log10(followers) - 2));
  const { exclamationRuns, capsWords, capsRatio, letters } = input.signals;
  if (exclamationRuns > 0) u += part(`repeated "!" (${exclamationRuns}x)`, 0.05 * Math.min(2, exclamationRuns));
  if (capsWords >= 2 || (capsRatio > 0.6 && letters >= 8)) u += part('written in capitals', 0.1);

  if (!input.relevant) {
    reasons.push({ decision: 'urgency', feature: 'not relevant to the company', weight: -round(u * 0.7) });
    u *= 0.3;
  }
  return { urgency: round(Math.max(0, Math.min(1, u))), reasons };
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}
