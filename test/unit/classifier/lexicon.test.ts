import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { copyVector, DEFAULT_FEATURES, FeatureExtractor } from '../../../shared/classifier/features.ts';
import { corpusFiles } from '../../../shared/classifier/build-models.ts';
import { readCorpus } from '../../../shared/classifier/corpus.ts';
import {
  emptyLexiconScore,
  englishLexiconPair,
  type LexiconName,
  lexiconOf,
  lexiconScore,
  markNegationScopes,
} from '../../../shared/classifier/lexicon/index.ts';
import { accumulateFused, fuseHeads, predict, probabilitiesFused } from '../../../shared/classifier/linear-model.ts';
import { normalizeText } from '../../../shared/classifier/normalize.ts';
import { trainHead, vectorize } from '../../../shared/classifier/train.ts';
import { SENTIMENTS } from '../../../shared/domain/mention.ts';

/** The tokens of a text, those in a negation scope written NEG_word. */
function marked(text: string, maxTokens = 3): string {
  const { text: normalized, tokens } = normalizeText(text);
  const out = new Uint8Array(tokens.length);
  markNegationScopes(normalized, tokens, maxTokens, out);
  return tokens.map((t, i) => (out[i] === 1 ? `NEG_${t}` : t)).join(' ');
}

function score(text: string, lexicon: LexiconName = 'en') {
  const { text: normalized, tokens } = normalizeText(text);
  const negated = new Uint8Array(tokens.length);
  markNegationScopes(normalized, tokens, 3, negated);
  return lexiconScore(tokens, negated, lexiconOf(lexicon));
}

const de = (text: string) => score(text, 'de');
const cx = (text: string) => score(text, 'en-cx');

describe('markNegationScopes', () => {
  it('marks the words after not, never, no and n\u2019t up to the next punctuation', () => {
    expect(marked('This is not good, the staff was nice')).toBe('this is not NEG_good the staff was nice');
    expect(marked("I don't like it. Great app")).toBe('i dont NEG_like NEG_it great app');
    expect(marked('I don\u2019t like it. Great app')).toBe('i dont NEG_like NEG_it great app');
    expect(marked('doesnt work at all')).toBe('doesnt NEG_work NEG_at NEG_all');
    expect(marked('never again!!! worst airline')).toBe('never NEG_again worst airline xbang');
    expect(marked('no help at all')).toBe('no NEG_help NEG_at NEG_all');
  });

  it('marks German scopes after nicht, kein and nie', () => {
    expect(marked('Das ist nicht gut. Danke!')).toBe('das ist nicht NEG_gut danke');
    expect(marked('kein Service, nie wieder')).toBe('kein NEG_service nie NEG_wieder');
  });

  it('ends a scope at "but"/"aber", at a marker, at an emoji, and after maxTokens words', () => {
    expect(marked('not cheap but good')).toBe('not NEG_cheap but good');
    expect(marked('nicht billig aber gut')).toBe('nicht NEG_billig aber gut');
    expect(marked('not working 😡 great')).toBe('not NEG_working 😡 great');
    expect(marked('not working @DB_Bahn great')).toBe('not NEG_working xuser great');
    expect(marked('not one two three four five', 3)).toBe('not NEG_one NEG_two NEG_three four five');
  });

  it('marks nothing in a text without a negator, and never a negator itself', () => {
    expect(marked('Great service, thank you')).toBe('great service thank you');
    expect(marked('not not good')).toBe('not not NEG_good');
  });

  it('marks at most maxTokens words per negator, never the first token, on any text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 120 }), fc.integer({ min: 1, max: 6 }), (raw, maxTokens) => {
        const { text, tokens } = normalizeText(raw);
        const out = new Uint8Array(tokens.length);

        const count = markNegationScopes(text, tokens, maxTokens, out);

        expect(count).toBe(out.reduce((a, b) => a + b, 0));
        expect(out[0] ?? 0).toBe(0);
      }),
      { numRuns: 500 },
    );
  });

  it('marks nothing when no negator occurs (letters a-f cannot spell one)', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[a-f ,.!]{0,80}$/), (raw) => {
        const { text, tokens } = normalizeText(raw);

        expect(markNegationScopes(text, tokens, 3, new Uint8Array(tokens.length))).toBe(0);
      }),
      { numRuns: 300 },
    );
  });
});

describe('lexiconScore', () => {
  it('sums positive and negative valences and gives a compound score of their sign', () => {
    const good = score('The staff was helpful and friendly');
    const bad = score('Terrible service, awful delay');

    expect(good.positive).toBeGreaterThan(2);
    expect(good.negative).toBe(0);
    expect(good.compound).toBeGreaterThan(0.5);
    expect(bad.negative).toBeGreaterThan(2);
    expect(bad.compound).toBeLessThan(-0.5);
  });

  it('flips and damps a negated word by VADER\u2019s -0.74', () => {
    const plain = score('good');
    const negated = score('not good');

    expect(negated.positive).toBe(0);
    expect(negated.negative).toBeCloseTo(plain.positive * 0.74, 6);
    expect(negated.negatedPositive).toBe(1);
  });

  it('raises a word after a degree adverb and weighs the clause after "but" more', () => {
    expect(score('very good').positive).toBeGreaterThan(score('good').positive);
    expect(score('kinda good').positive).toBeLessThan(score('good').positive);
    expect(score('the food was good but the service was terrible').compound).toBeLessThan(0);
  });

  it('counts emojis of the positive and negative classes', () => {
    const s = score('ok 😍 👍 😡');

    expect(s.emojiPositive).toBe(2);
    expect(s.emojiNegative).toBe(1);
  });

  it('knows nothing of a text without lexicon words', () => {
    const s = score('Wann faehrt der naechste Zug nach Berlin');

    expect(s).toMatchObject({ positive: 0, negative: 0, compound: 0, hits: 0 });
  });
});

describe('lexiconScore with the German lexicon', () => {
  it('flips and damps a negated word: "nicht gut" is negative', () => {
    const plain = de('gut');
    const negated = de('nicht gut');

    expect(plain.positive).toBeGreaterThan(0);
    expect(negated.positive).toBe(0);
    expect(negated.negative).toBeCloseTo(plain.positive * 0.74, 6);
    expect(negated.negatedPositive).toBe(1);
  });

  it('raises a word after a German degree adverb: "sehr schlecht" is more negative than "schlecht"', () => {
    expect(de('sehr schlecht').negative).toBeGreaterThan(de('schlecht').negative);
    expect(de('sehr schlecht').compound).toBeLessThan(de('schlecht').compound);
    expect(de('kaum gut').positive).toBeLessThan(de('gut').positive);
  });

  it('matches stems and compound heads through umlaut folding', () => {
    expect(de('Die Lieferung hat sich verspätet').negative).toBeGreaterThan(0);
    expect(de('Verspätung').negative).toBe(de('verspaetet').negative);
    expect(de('Zugausfall in Köln').negative).toBeGreaterThan(0);
    expect(de('kaputt angekommen').compound).toBeLessThan(-0.3);
  });

  it('reads a two-word phrase instead of its first word: "funktioniert nicht" is a complaint', () => {
    expect(de('funktioniert').compound).toBeGreaterThan(0);
    expect(de('Die App funktioniert nicht').positive).toBe(0);
    expect(de('Die App funktioniert nicht').negative).toBeGreaterThan(0);
    expect(de('Zug schon wieder ausgefallen').negative).toBeGreaterThan(de('Zug ausgefallen').negative);
    // The negator opens the phrase: it is not negated back to positive.
    expect(de('Keine Antwort seit Tagen').compound).toBeLessThan(0);
  });

  it('scores praise and thanks positive, and plain statements and neutral compounds not at all', () => {
    expect(de('super schnell geliefert, danke').compound).toBeGreaterThan(0.5);
    expect(de('Heute ist Dienstag')).toMatchObject({ positive: 0, negative: 0, hits: 0 });
    expect(de('Der Supermarkt um die Ecke').hits).toBe(0);
  });

  it('reads billing, app and colloquial complaints of the second pass, and "kein Problem" as no complaint', () => {
    for (const text of ['App funzt nicht', 'Ich kann mich nicht einloggen', 'doppelt berechnet', 'warte seit Wochen'])
      expect(de(text).compound, text).toBeLessThan(-0.3);
    expect(de('Kein Problem, alles gut').compound).toBeGreaterThan(0.5);
    // "mega" raises the next word; it is no praise of its own
    expect(de('mega schlecht').positive).toBe(0);
    expect(de('mega schlecht').negative).toBeGreaterThan(de('schlecht').negative);
  });
});

describe('lexiconScore with the English customer lexicon', () => {
  it('reads login, app and delivery failures as complaints, with and without the apostrophe', () => {
    for (const text of ['cant log in', "can't log in", 'the app doesnt work', 'wont load', 'my parcel never arrived']) {
      expect(cx(text).compound, text).toBeLessThan(-0.3);
      expect(cx(text).positive, text).toBe(0);
    }
    expect(cx("can't log in")).toEqual(cx('cant log in'));
  });

  it('reads a phrase that opens with its negator as meant: "no problem" is not a complaint, "doesnt work" not praise', () => {
    expect(cx('no problem, thanks').compound).toBeGreaterThan(0.3);
    expect(cx('doesnt work').negatedNegative + cx('doesnt work').negatedPositive).toBe(0);
    expect(cx('cant wait for the new release').compound).toBeGreaterThan(0);
  });

  it('counts waiting and billing trouble, and flips a negated complaint word', () => {
    expect(cx('still waiting for my refund').negative).toBeGreaterThan(cx('waiting for my refund').negative);
    expect(cx('I was charged twice').compound).toBeLessThan(0);
    expect(cx('not broken')).toMatchObject({ negative: 0, negatedNegative: 1 });
    expect(cx('thank you for the quick fix').compound).toBeGreaterThan(0.3);
  });

  it('knows nothing of plain statements or of praise words, which the n-grams read well', () => {
    expect(cx('The store opens at nine on Tuesday')).toMatchObject({ positive: 0, negative: 0, hits: 0 });
    expect(cx('great, love it').hits).toBe(0);
    expect(cx('annoying').negative).toBe(cx('annoyed').negative);
  });
});

/** Both English lexicons' scores and the negation marks of a text, as `englishLexiconPair` gives them and as the two-pass functions do. */
function pairAndReference(text: string) {
  const { text: normalized, tokens } = normalizeText(text);
  const negated = new Uint8Array(tokens.length + 1);
  const vader = emptyLexiconScore();
  const customer = emptyLexiconScore();
  englishLexiconPair().score(normalized, tokens, 3, negated, vader, customer);
  const reference = new Uint8Array(tokens.length + 1);
  markNegationScopes(normalized, tokens, 3, reference);
  return {
    pair: { negated: [...negated], vader: { ...vader }, customer: { ...customer } },
    reference: {
      negated: [...reference],
      vader: lexiconScore(tokens, reference, lexiconOf('en')),
      customer: lexiconScore(tokens, reference, lexiconOf('en-cx')),
    },
  };
}

describe('englishLexiconPair (the English stage: both lexicons in one pass)', () => {
  it('gives the same negation marks and scores as markNegationScopes and lexiconScore on every English corpus text', () => {
    // Prepare
    const texts = readCorpus(corpusFiles())
      .filter((e) => e.language === 'en')
      .map((e) => e.text);

    // Act
    const differing = texts.filter((text) => {
      const { pair, reference } = pairAndReference(text);
      return JSON.stringify(pair) !== JSON.stringify(reference);
    });

    // Assess
    expect(texts.length).toBeGreaterThan(1000);
    expect(differing).toEqual([]);
  });

  it('gives the same numbers on texts made of negators, boosters, "but", phrases and emojis', () => {
    const words = fc.constantFrom(
      ...'not never no dont don t can cant but however very so kinda barely good great bad awful love hate refund login cant login waiting still broke broken app crashes thanks 😡 😍 👍 . , ! ? xurl'.split(
        ' ',
      ),
    );
    fc.assert(
      fc.property(fc.array(words, { maxLength: 40 }), (tokens) => {
        const { pair, reference } = pairAndReference(tokens.join(' '));
        expect(pair).toEqual(reference);
      }),
    );
  });
});

describe('FeatureExtractor with the sentiment options', () => {
  const bits = 16;

  it('reads texts exactly as before when the options are absent (models trained before)', () => {
    const text = "I don't like it 😡 not good at all";
    const before = new FeatureExtractor({ ...DEFAULT_FEATURES, bits, idf: false }).extract(normalizeText(text));
    const indices = [...before.indices];

    const again = new FeatureExtractor({ ...DEFAULT_FEATURES, bits, idf: false }).extract(normalizeText(text));

    expect([...again.indices]).toEqual(indices);
    expect(before.indices.length).toBeGreaterThan(0);
  });

  it('gives a negated word another word feature but keeps its character n-grams', () => {
    const plain = new FeatureExtractor({ ...DEFAULT_FEATURES, bits, idf: false });
    const negating = new FeatureExtractor({ ...DEFAULT_FEATURES, bits, idf: false, negationScope: 3 });
    const text = 'not good';

    const a = new Set(plain.extract(normalizeText(text)).indices);
    const b = new Set(negating.extract(normalizeText(text)).indices);

    const onlyA = [...a].filter((i) => !b.has(i));
    const onlyB = [...b].filter((i) => !a.has(i));
    expect(onlyA).toHaveLength(1);
    expect(onlyB).toHaveLength(1);
  });

  it('names a negated word as negated in the reasons', () => {
    const extractor = new FeatureExtractor({ ...DEFAULT_FEATURES, bits, idf: false, negationScope: 3 });
    const collected = extractor.collect(normalizeText('not good'));
    const groups = new Float64Array(collected.groupCount);
    groups[1] = 1;

    const [strongest] = extractor.strongestOf(groups, 1);

    expect(strongest?.name).toBe('word "good" (negated)');
  });

  it('adds the lexicon and emoji signals, named in the reasons', () => {
    const extractor = new FeatureExtractor({
      ...DEFAULT_FEATURES,
      bits,
      idf: false,
      lexicon: 'en',
      emojiClasses: true,
    });
    const collected = extractor.collect(normalizeText('Terrible, awful, horrible service 😡'));
    const tokenCount = normalizeText('Terrible, awful, horrible service 😡').tokens.length;
    const signalGroups = [...collected.groups].filter((g) => g >= 2 * tokenCount);
    const groups = new Float64Array(collected.groupCount);
    for (const g of signalGroups) groups[g] = 1;

    const names = extractor.strongestOf(groups, 20).map((r) => r.name);

    expect(names).toEqual(
      expect.arrayContaining([
        'signal lexicon negative',
        'signal lexicon negative >= 4',
        'signal lexicon very negative',
        'signal emoji negative',
      ]),
    );
    expect(names).not.toContain('signal lexicon positive');
  });
});

describe('the English features on the inference fast path', () => {
  it('scores a model with lexicon, negation and emoji features as the training path does', () => {
    const features = {
      ...DEFAULT_FEATURES,
      lexicon: 'en',
      negationScope: 3,
      emojiClasses: true,
      bits: 12,
      idf: false,
    } as const;
    const train = [
      ['great service, thank you 😍', 2],
      ['not good at all, terrible delay 😡', 0],
      ['where is my parcel', 1],
      ["I don't like it", 0],
      ['very helpful staff', 2],
      ['what time do you open', 1],
    ] as const;
    const vectors = vectorize(
      train.map(([text]) => text),
      features,
    );
    const head = trainHead(
      'sentiment',
      SENTIMENTS,
      train.map(([, y], i) => ({ x: vectors[i]!, y })),
      features.bits,
    );
    const fused = fuseHeads([head]);
    const extractor = new FeatureExtractor(features);
    const sums = new Float64Array(1 << 16);
    const out = [new Float64Array(3)];

    for (const text of ['not great, but the staff was very nice 👍', "isn't helpful 🤬", 'Terrible!!! never again']) {
      const normalized = normalizeText(text);
      const expected = predict(head, copyVector(new FeatureExtractor(features).extract(normalized)));
      const collected = extractor.collect(normalized);
      const scale = accumulateFused(fused, collected, features, sums);

      const [actual] = probabilitiesFused(fused, sums, collected.groupCount, scale, out);

      actual!.forEach((p, c) => {
        expect(p).toBeCloseTo(expected[c]!, 6);
      });
    }
  });
});
