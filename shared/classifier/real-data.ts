import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import * as z from '../domain/zod-mini.ts';
import { CATEGORIES, SENTIMENTS, type Sentiment } from '../domain/mention.ts';
import { readJsonl } from './corpus.ts';

/**
 * Real texts with labels that a product may ship (see shared/classifier/data/DATA-LICENSES.md):
 * one folder per source under shared/classifier/data, each with a SOURCE.md and an
 * `examples.jsonl`. A source labels only the heads it has labels for; a missing head is not
 * trained from that source (never guessed).
 */
export const REAL_DATA_DIR = path.resolve(import.meta.dirname, 'data');

export const RealExampleSchema = z.object({
  id: z.string().check(z.minLength(1)),
  source: z.string().check(z.minLength(1)),
  language: z.enum(['de', 'en']),
  text: z.string().check(z.minLength(1)),
  relevant: z.optional(z.boolean()),
  sentiment: z.optional(z.enum(SENTIMENTS)),
  category: z.optional(z.enum(CATEGORIES)),
});
export type RealExample = z.infer<typeof RealExampleSchema>;

/** The `examples.jsonl` of every source folder, in name order. */
export function realDataFiles(dir: string = REAL_DATA_DIR): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => path.join(dir, d.name, 'examples.jsonl'))
    .filter((file) => existsSync(file))
    .sort();
}

/**
 * Reads the real examples of every source.
 * @throws CorpusError naming file and line of the first invalid example, or a duplicate id
 */
export function readRealData(dir: string = REAL_DATA_DIR): RealExample[] {
  return readJsonl(realDataFiles(dir), RealExampleSchema);
}

/**
 * GoEmotions' own grouping of its 27 emotions into sentiments (goemotions/data/sentiment_dict.json);
 * "ambiguous" emotions (surprise, curiosity, confusion, realization) count as neutral.
 */
const GOEMOTIONS_POSITIVE = new Set([
  'amusement',
  'excitement',
  'joy',
  'love',
  'desire',
  'optimism',
  'caring',
  'pride',
  'admiration',
  'gratitude',
  'relief',
  'approval',
]);
const GOEMOTIONS_NEGATIVE = new Set([
  'fear',
  'nervousness',
  'remorse',
  'embarrassment',
  'disappointment',
  'sadness',
  'grief',
  'disgust',
  'anger',
  'annoyance',
  'disapproval',
]);

/**
 * The sentiment of a GoEmotions example from its emotion labels (at least two raters agreed
 * on each): positive or negative when all its emotions lean one way, neutral when it has
 * only neutral or ambiguous ones, undefined (dropped) when it mixes positive and negative.
 */
export function goEmotionsSentiment(emotions: readonly string[]): Sentiment | undefined {
  const positive = emotions.some((e) => GOEMOTIONS_POSITIVE.has(e));
  const negative = emotions.some((e) => GOEMOTIONS_NEGATIVE.has(e));
  if (positive && negative) return undefined;
  if (positive) return 'positive';
  if (negative) return 'negative';
  return 'neutral';
}

/** PotTS' tweet-level label; "mixed" is dropped (our sentiment has no such class). */
export function pottsSentiment(label: string): Sentiment | undefined {
  return (SENTIMENTS as readonly string[]).includes(label) ? (label as Sentiment) : undefined;
}

/** XED's emotion numbers (README: "ascending alphabetical order", 1-8) and the sentiment each leans to. */
const XED_EMOTIONS = ['anger', 'anticipation', 'disgust', 'fear', 'joy', 'sadness', 'surprise', 'trust'] as const;
const XED_POSITIVE = new Set(['joy', 'trust']);
const XED_NEGATIVE = new Set(['anger', 'disgust', 'fear', 'sadness']);

/**
 * The sentiment of an XED subtitle line from its Plutchik emotion numbers (1-8, as in XED's
 * files): positive when its emotions include joy or trust and none of anger, disgust, fear,
 * sadness; negative the other way round; undefined (dropped) when it mixes both, when it has
 * only anticipation or surprise (an emotion without a side: "Was ist mit dir passiert?"), or
 * a number outside 1-8. XED's neutral lines come from a file of their own (`neu_en.txt`).
 */
export function xedSentiment(numbers: readonly number[]): Sentiment | undefined {
  const emotions = numbers.map((n) => XED_EMOTIONS[n - 1]);
  if (emotions.length === 0 || emotions.some((e) => e === undefined)) return undefined;
  const positive = emotions.some((e) => XED_POSITIVE.has(e!));
  const negative = emotions.some((e) => XED_NEGATIVE.has(e!));
  if (positive === negative) return undefined;
  return positive ? 'positive' : 'negative';
}

/**
 * BANKING77's 77 intents (online-banking customer messages) as our categories: an intent about
 * something that went wrong (a card that does not work, a payment declined, charged twice, a
 * wrong amount, a refund or transfer that does not show up) is a complaint; an intent that
 * asks how something works, what it costs or whether it is possible is a question; an intent
 * whose messages are either (a card that has not arrived yet, a pending payment, a fee the
 * writer did not expect, a lost card, a refund asked for) is dropped. 25 complaint, 35
 * question, 17 dropped. The intent names are BANKING77's own spelling (`Refund_not_showing_up`,
 * `reverted_card_payment?`).
 */
export const BANKING77_CATEGORY: Readonly<Record<string, 'complaint' | 'question' | null>> = {
  // complaint (25)
  card_not_working: 'complaint',
  contactless_not_working: 'complaint',
  virtual_card_not_working: 'complaint',
  card_payment_wrong_exchange_rate: 'complaint',
  wrong_exchange_rate_for_cash_withdrawal: 'complaint',
  extra_charge_on_statement: 'complaint',
  wrong_amount_of_cash_received: 'complaint',
  transfer_not_received_by_recipient: 'complaint',
  top_up_reverted: 'complaint',
  top_up_failed: 'complaint',
  failed_transfer: 'complaint',
  balance_not_updated_after_cheque_or_cash_deposit: 'complaint',
  balance_not_updated_after_bank_transfer: 'complaint',
  card_payment_not_recognised: 'complaint',
  direct_debit_payment_not_recognised: 'complaint',
  cash_withdrawal_not_recognised: 'complaint',
  unable_to_verify_identity: 'complaint',
  declined_cash_withdrawal: 'complaint',
  declined_transfer: 'complaint',
  declined_card_payment: 'complaint',
  Refund_not_showing_up: 'complaint',
  card_swallowed: 'complaint',
  transaction_charged_twice: 'complaint',
  'reverted_card_payment?': 'complaint',
  pin_blocked: 'complaint',
  // question (35)
  activate_my_card: 'question',
  age_limit: 'question',
  apple_pay_or_google_pay: 'question',
  atm_support: 'question',
  automatic_top_up: 'question',
  card_about_to_expire: 'question',
  card_acceptance: 'question',
  card_delivery_estimate: 'question',
  card_linking: 'question',
  change_pin: 'question',
  country_support: 'question',
  disposable_card_limits: 'question',
  edit_personal_details: 'question',
  exchange_charge: 'question',
  exchange_rate: 'question',
  exchange_via_app: 'question',
  fiat_currency_support: 'question',
  get_disposable_virtual_card: 'question',
  get_physical_card: 'question',
  getting_spare_card: 'question',
  getting_virtual_card: 'question',
  order_physical_card: 'question',
  receiving_money: 'question',
  supported_cards_and_currencies: 'question',
  top_up_by_bank_transfer_charge: 'question',
  top_up_by_cash_or_cheque: 'question',
  top_up_limits: 'question',
  topping_up_by_card: 'question',
  transfer_into_account: 'question',
  transfer_timing: 'question',
  verify_my_identity: 'question',
  verify_source_of_funds: 'question',
  verify_top_up: 'question',
  visa_or_mastercard: 'question',
  why_verify_identity: 'question',
  // dropped: either (17)
  card_arrival: null,
  pending_card_payment: null,
  pending_cash_withdrawal: null,
  pending_top_up: null,
  pending_transfer: null,
  card_payment_fee_charged: null,
  transfer_fee_charged: null,
  cash_withdrawal_charge: null,
  top_up_by_card_charge: null,
  lost_or_stolen_card: null,
  lost_or_stolen_phone: null,
  compromised_card: null,
  passcode_forgotten: null,
  request_refund: null,
  cancel_transfer: null,
  terminate_account: null,
  beneficiary_not_allowed: null,
};

/**
 * NLU++'s intents (hotels domain; several per text) as our categories, for the out-of-domain
 * test set only: `wrong_notworking_notshowing` ("wifi is broken") is a complaint; a text that
 * asks (`request_info`, `how`, `why`, `when`, `how_much`, `how_long`) without it a question;
 * anything else (bookings, greetings, slot answers) is not used.
 */
export function nluppCategory(intents: readonly string[]): 'complaint' | 'question' | undefined {
  if (intents.includes('wrong_notworking_notshowing')) return 'complaint';
  if (intents.some((i) => NLUPP_QUESTION.has(i))) return 'question';
  return undefined;
}
const NLUPP_QUESTION = new Set(['request_info', 'how', 'why', 'when', 'how_much', 'how_long']);
