/**
 * An English sentiment lexicon of customer-facing words, written for this project (round w13,
 * issue 15; licence: the project's own, see DATA-LICENSES.md). No other lexicon, corpus or
 * benchmark was read to choose its words or valences: they are one writer's judgement of how
 * a customer means the word to a company (billing, delivery, app and login failures, support,
 * waiting, refunds), on VADER's scale (-4 .. +4). Spellings as people type them on phones are
 * entries of their own ("cant login", "doesnt work").
 *
 * Not read by a shipped model (round w13: the retrained English model lost 0.024 written
 * held-out sentiment and 0.020 category; `FeatureOptions.lexicon: 'en-cx'` and `npm run bench:lexicon
 * -- cx 4 en` try it), so no Lambda bundle carries it (infra/bundling.ts). Round w14 fed it to the
 * sentiment head only (`lexiconHeads`): +0.005 real held-out, -0.018 written, and 4 KB that put
 * train-model over its bundle line, so it stays out (docs/classifier.md, round w14).
 *
 * Words: complaints only. Praise words ("great", "love", "thanks") were in the first draft
 * and cost the written held-out sentiment 0.025 (docs/classifier.md, round w13): the n-grams
 * already read praise well, and with the lexicon's signals on praise, texts without any
 * lexicon word (product ideas, community requests) drifted to neutral. Phrases keep the
 * positive readings that single words get wrong ("no problem", "cant wait", "thank you").
 *
 * Same shape and rules as the German one (`de.ts`), read by the same `StemLexicon`: an entry
 * ending in `*` is a stem ("frustrat*": frustrated, frustrating), one starting with `*` the
 * head of compounds; a full word wins over a stem. Stems are used only where every word that
 * starts so means the same ("amazing", not "amaz*": Amazon). Normalization drops the apostrophe
 * of "n't", so "can't" and "cant" are one token, "cant".
 *
 * `[valence x 10, entries]`, like `VADER_EN`.
 */
export const CUSTOMER_LEXICON_EN: readonly (readonly [number, string])[] = [
  // Strongly negative: fraud, contempt, danger.
  [-34, 'scam scams scammed scammers scammer fraud* ripoff ripped thieves thief stealing stole'],
  [-32, 'worst disgust* disgrac* appalling atrocious abysmal shambles shambolic dangerous unsafe'],
  [-30, 'terrible terribly horrible horribly awful pathetic unacceptable outrag* furious livid despicable'],
  [-28, 'hate hated hates hating nightmare ridiculous ridiculously incompet* useless worthless garbage'],
  [-26, 'liar liars lied lying dishonest shady misleading mislead* infuriat* unprofessional'],
  [-24, 'crap crappy trash rubbish sucks sucked suck wtf clowns'],
  [-16, 'joke'],
  // Complaint: broken, wrong, missing, annoying.
  [-23, 'bad worse rude disappoint* frustrat* angry annoy* unusable unreliab* unhelpful clueless'],
  [-22, 'broken broke faulty defective damaged smashed cracked leaking leaked expired mouldy moldy stale'],
  [-21, 'poor poorly lousy shoddy sloppy mess messed upset irritat* fedup unhappy dissatisf* unsatisf*'],
  [-20, 'missing lost wrong incorrect failed failing fails failure fail outage outages'],
  [-19, 'ignored ignoring ignore ghosted stonewalled refused refusing denied rejected'],
  [-18, 'complaint complaints complain complaining complained nonsense waste wasted wasting hassle headache'],
  [-17, 'crash crashed crashes crashing glitch* bug bugs buggy freezes freezing frozen unresponsiv*'],
  [-16, 'problem problems issue issues error errors unable stuck lag laggy lagging slow slower slowest'],
  [-15, 'overcharg* overpriced overbilled undercharged surcharge hidden chargeback dispute disputed'],
  [-14, 'delay* late overdue unfortunately sadly sad meh ugh smh annoyance inconvenience inconvenient'],
  [-13, 'cancel cancelled canceled cancelling canceling cancellation unsubscribe spam spammed'],
  [-12, 'expensive pricey fees fee charged penalty unanswered unresolved confusing confused'],
  [-10, 'refund refunds downtime disconnected disconnects lockout locked'],
  [-8, 'waiting waited queue hold pending'],
];

/**
 * Two-word phrases, valued on their second word when the first precedes it. A phrase replaces
 * what its first word alone gave, and a phrase that starts with a negator is not negated by it
 * ("doesnt work" is a complaint, "no problem" is not). "n't" is one token without the
 * apostrophe ("cant", "doesnt", "wont").
 */
export const CUSTOMER_PHRASES_EN: readonly (readonly [number, readonly string[]])[] = [
  // Login and app failures.
  [
    -22,
    [
      'cant login',
      'cant log',
      'cant sign',
      'cant access',
      'cant connect',
      'cant open',
      'cant load',
      'cannot login',
      'cannot log',
      'cannot access',
      'wont load',
      'wont open',
      'wont let',
      'wont work',
      'doesnt work',
      'doesnt load',
      'didnt work',
      'not working',
      'not loading',
      'stopped working',
      'keeps crashing',
      'keeps freezing',
      'locked out',
      'isnt working',
      'arent working',
    ],
  ],
  // Delivery: never came, came wrong.
  [
    -22,
    [
      'never arrived',
      'never received',
      'never came',
      'never showed',
      'didnt arrive',
      'didnt receive',
      'didnt get',
      'hasnt arrived',
      'havent received',
      'not received',
      'not arrived',
      'not delivered',
      'wrong item',
      'wrong order',
      'wrong size',
      'wrong address',
    ],
  ],
  // Waiting and being ignored.
  [
    -20,
    [
      'still waiting',
      'been waiting',
      'still nothing',
      'still no',
      'on hold',
      'no response',
      'no reply',
      'no answer',
      'no help',
      'no refund',
      'no update',
      'no updates',
      'no one',
      'hung up',
      'yet again',
      'logged out',
    ],
  ],
  // Billing.
  [
    -20,
    [
      'charged twice',
      'double charged',
      'billed twice',
      'hidden fees',
      'hidden charges',
      'rip off',
      'money back',
      'cant cancel',
      'cant get',
      'cant reach',
    ],
  ],
  // Giving up on the company.
  [-26, ['never again', 'stay away', 'fed up', 'sick of', 'tired of', 'waste of', 'dont buy', 'dont like']],
  [-14, ['for hours', 'for weeks', 'for days', 'for months', 'for ages']],
  [-14, ['please fix', 'fix this', 'fix it', 'sort it', 'sort this', 'why cant', 'why does', 'why is']],
  // Praise, thanks, and problems that are none.
  [
    24,
    [
      'top notch',
      'well done',
      'spot on',
      'shout out',
      'thank you',
      'cant wait',
      'cant beat',
      'highly recommend',
      'keep up',
    ],
  ],
  [
    16,
    [
      'no problem',
      'no problems',
      'no issues',
      'no issue',
      'no complaints',
      'no worries',
      'not bad',
      'on time',
      'arrived early',
      'sorted out',
      'got sorted',
      'all good',
      'hassle free',
    ],
  ],
];
