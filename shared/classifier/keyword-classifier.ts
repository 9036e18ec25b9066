import type { Classification, Classifier, Reason } from '../domain/classification.ts';
import type { Category, Sentiment } from '../domain/mention.ts';

/**
 * A small, deterministic keyword classifier for German and English mentions: the plain
 * baseline that `npm run bench:classifier` measures the n-gram classifier against (the
 * functions use `NgramClassifier` via `createClassifier`).
 */
export const KEYWORD_MODEL = 'keyword@1';

/** Word stems per category; a stem matches at the start of a word. */
const CATEGORY_STEMS: Readonly<Record<Exclude<Category, 'other'>, readonly string[]>> = {
  legal_risk: [
    'anwalt',
    'anwält',
    'abmahn',
    'klage',
    'verklag',
    'gericht',
    'verbraucherzentrale',
    'lawyer',
    'lawsuit',
    'sue',
    'court',
    'shitstorm',
    'boykott',
    'boycott',
    'betrug',
    'fraud',
    'datenschutz',
    'dsgvo',
    'gdpr',
    'unfall',
    'verletz',
    'injur',
    'rückruf',
    'recall',
  ],
  press_inquiry: [
    'journalist',
    'redaktion',
    'presse',
    'press',
    'interview',
    'stellungnahme',
    'statement',
    'reporter',
    'zeitung',
    'newspaper',
    'artikel',
    'article',
    'recherche',
    'anfrage der',
  ],
  sales_lead: [
    'angebot',
    'quote',
    'preisliste',
    'price list',
    'pricing',
    'bestell',
    'order',
    'kaufen',
    'buy',
    'purchase',
    'flotte',
    'fleet',
    'händler',
    'dealer',
    'großkunde',
    'rahmenvertrag',
    'leasing',
    'b2b',
    'mengenrabatt',
    'bulk',
    'interessiert an',
    'interested in',
  ],
  product_idea: [
    'vorschlag',
    'idee',
    'idea',
    'suggest',
    'wäre toll',
    'wäre cool',
    'wünsche mir',
    'wish',
    'feature',
    'bitte baut',
    'please add',
    'please make',
    'warum gibt es kein',
    'why is there no',
    'fehlt',
    'missing',
  ],
  community_project: [
    'verein',
    'kita',
    'kindergarten',
    'schule',
    'school',
    'sponsor',
    'spende',
    'donat',
    'charity',
    'ehrenamt',
    'volunteer',
    'spendenlauf',
    'nachbarschaft',
    'neighbo',
    'jugend',
    'youth',
    'benefiz',
    'fundrais',
  ],
  complaint: [
    'kaputt',
    'defekt',
    'broken',
    'reklamation',
    'beschwer',
    'complain',
    'enttäusch',
    'disappoint',
    'frechheit',
    'unverschämt',
    'katastroph',
    'schlecht',
    'bad ',
    'worst',
    'nie wieder',
    'never again',
    'wartet',
    'warte',
    'waiting',
    'keine antwort',
    'no answer',
    'no response',
    'erstatt',
    'refund',
    'verspät',
    'delay',
    'late',
    'falsch',
    'wrong',
    'ärger',
    'mangel',
    'rost',
    'quietsch',
  ],
  question: [
    '?',
    'wie ',
    'wann',
    'wo ',
    'welche',
    'gibt es',
    'kann man',
    'können sie',
    'how ',
    'when ',
    'where ',
    'which',
    'is there',
    'can i',
    'can you',
    'frage',
    'question',
    'öffnungszeit',
    'opening hours',
  ],
  praise: [
    'danke',
    'thank',
    'super',
    'toll',
    'klasse',
    'großartig',
    'great',
    'love',
    'liebe',
    'awesome',
    'perfekt',
    'perfect',
    'begeistert',
    'zufrieden',
    'happy',
    'empfehl',
    'recommend',
    '❤',
    '😍',
    '👍',
  ],
};

/** Order in which categories win a tie: the costlier mistake first. */
const PRECEDENCE: readonly Exclude<Category, 'other'>[] = [
  'legal_risk',
  'press_inquiry',
  'complaint',
  'sales_lead',
  'community_project',
  'product_idea',
  'question',
  'praise',
];

const NEGATIVE = [
  'kaputt',
  'defekt',
  'schlecht',
  'enttäusch',
  'frechheit',
  'unverschämt',
  'ärger',
  'katastroph',
  'nie wieder',
  'broken',
  'bad ',
  'worst',
  'disappoint',
  'angry',
  'never again',
  'terrible',
  'awful',
  'anwalt',
  'lawyer',
  'shitstorm',
  'betrug',
  'fraud',
  '😡',
  '🤬',
  '👎',
];
const POSITIVE = [
  'danke',
  'super',
  'toll',
  'klasse',
  'großartig',
  'liebe',
  'perfekt',
  'begeistert',
  'zufrieden',
  'thank',
  'great',
  'love',
  'awesome',
  'perfect',
  'happy',
  'empfehl',
  'recommend',
  '❤',
  '😍',
  '👍',
  '🙂',
];
const ESCALATION = [
  'anwalt',
  'lawyer',
  'verbraucherzentrale',
  'shitstorm',
  'klage',
  'lawsuit',
  'sofort',
  'immediately',
  'presse',
  'press',
  'boykott',
  'boycott',
  'unfall',
  'verletz',
  'injur',
  '!!!',
];

const GERMAN = [
  'der',
  'die',
  'das',
  'und',
  'ist',
  'nicht',
  'ich',
  'mein',
  'ein',
  'eine',
  'mit',
  'für',
  'auf',
  'wir',
  'sie',
  'bei',
  'ihr',
  'euer',
  'eure',
  'schon',
  'noch',
  'wie',
  'wann',
  'seit',
  'habe',
];
const ENGLISH = [
  'the',
  'and',
  'is',
  'not',
  'my',
  'a',
  'an',
  'with',
  'for',
  'on',
  'we',
  'you',
  'your',
  'at',
  'have',
  'has',
  'since',
  'how',
  'when',
  'was',
  'this',
  'it',
  'i',
];

export interface KeywordClassifierOptions {
  /** Brand and product names that make a mention relevant to the company. */
  readonly brandTerms?: readonly string[];
}

export class KeywordClassifier implements Classifier {
  private readonly brandTerms: readonly string[];

  constructor(options: KeywordClassifierOptions = {}) {
    this.brandTerms = (options.brandTerms ?? []).map((t) => t.trim().toLowerCase()).filter((t) => t.length > 0);
  }

  classify(mention: { readonly text: string }): Classification {
    const text = normalize(mention.text);
    const reasons: Reason[] = [];

    const language = detectLanguage(text, reasons);

    const scores = new Map<Category, number>();
    for (const category of PRECEDENCE) {
      for (const stem of CATEGORY_STEMS[category]) {
        if (containsStem(text, stem)) {
          scores.set(category, (scores.get(category) ?? 0) + 1);
          reasons.push({ decision: 'category', feature: `${category}:${stem.trim()}`, weight: 1 });
        }
      }
    }
    const best = PRECEDENCE.reduce<{ category: Category; score: number }>(
      (acc, category) => {
        const score = scores.get(category) ?? 0;
        return score > acc.score ? { category, score } : acc;
      },
      { category: 'other', score: 0 },
    );
    const total = [...scores.values()].reduce((a, b) => a + b, 0);
    const confidence = total === 0 ? 0.2 : Math.min(0.9, 0.4 + (0.5 * best.score) / total);

    const sentiment = sentimentOf(text, reasons);

    const escalations = ESCALATION.filter((w) => containsStem(text, w));
    for (const word of escalations) reasons.push({ decision: 'urgency', feature: word.trim(), weight: 0.25 });
    const urgency = Math.min(
      1,
      escalations.length * 0.25 + (sentiment === 'negative' ? 0.2 : 0) + (best.category === 'legal_risk' ? 0.3 : 0),
    );

    const brandHits = this.brandTerms.filter((t) => text.includes(t));
    for (const term of brandHits) reasons.push({ decision: 'relevance', feature: `brand:${term}`, weight: 1 });
    // Mentions arrive on the company's own page or tag the company: relevant unless empty.
    const relevant = text.trim().length > 0 || brandHits.length > 0;
    if (!relevant) reasons.push({ decision: 'relevance', feature: 'empty text', weight: -1 });

    return {
      language,
      relevant,
      sentiment,
      category: best.category,
      urgency,
      confidence,
      reasons,
      model: KEYWORD_MODEL,
    };
  }
}

/** Lowercases, collapses whitespace and pads with spaces so stems can match at word starts. */
function normalize(text: string): string {
  return ` ${text.toLowerCase().replace(/\s+/g, ' ')} `;
}

function containsStem(text: string, stem: string): boolean {
  // Stems that are symbols (?, emojis, "!!!") match anywhere; words match at a word start.
  if (!/^[\p{L}]/u.test(stem)) return text.includes(stem);
  let from = 0;
  for (;;) {
    const at = text.indexOf(stem, from);
    if (at < 0) return false;
    const before = text[at - 1] ?? ' ';
    if (!/[\p{L}\p{N}]/u.test(before)) return true;
    from = at + 1;
  }
}

function sentimentOf(text: string, reasons: Reason[]): Sentiment {
  const negative = NEGATIVE.filter((w) => containsStem(text, w));
  const positive = POSITIVE.filter((w) => containsStem(text, w));
  for (const w of negative) reasons.push({ decision: 'sentiment', feature: `negative:${w.trim()}`, weight: -1 });
  for (const w of positive) reasons.push({ decision: 'sentiment', feature: `positive:${w.trim()}`, weight: 1 });
  if (negative.length > positive.length) return 'negative';
  if (positive.length > negative.length) return 'positive';
  return 'neutral';
}

function detectLanguage(text: string, reasons: Reason[]): string {
  const words = text.split(/[^\p{L}]+/u).filter(Boolean);
  const de = words.filter((w) => GERMAN.includes(w)).length + (/[äöüß]/.test(text) ? 2 : 0);
  const en = words.filter((w) => ENGLISH.includes(w)).length;
  const language = de === 0 && en === 0 ? 'und' : de >= en ? 'de' : 'en';
  reasons.push({ decision: 'language', feature: `stopwords de=${de} en=${en}`, weight: Math.abs(de - en) });
  return language;
}
