import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildModels, realTrainingExamples } from '../../../shared/classifier/build-models.ts';
import { CorpusError, readCorpus, splitCorpus } from '../../../shared/classifier/corpus.ts';
import { DEFAULT_FEATURES } from '../../../shared/classifier/features.ts';
import {
  CLOTHING_REVIEWS_FILE,
  clothingReviewSentiment,
  importBanking77,
  importClothingReviews,
  importGoEmotions,
  importNluppHotels,
  importPotts,
  importUciSentences,
  importUdGermanPud,
  importXed,
  isNeutralNewsSentence,
  shortReview,
} from '../../../shared/classifier/import-real-data.ts';
import { argmax, predict } from '../../../shared/classifier/linear-model.ts';
import {
  BANKING77_CATEGORY,
  goEmotionsSentiment,
  nluppCategory,
  pottsSentiment,
  readRealData,
  REAL_DATA_DIR,
  xedSentiment,
} from '../../../shared/classifier/real-data.ts';
import {
  DEFAULT_HEAD_TRAINING,
  DEFAULT_TRAINING,
  labeledFor,
  trainHead,
  trainLanguageModel,
  vectorize,
  vectorizeTraining,
} from '../../../shared/classifier/train.ts';
import { SENTIMENTS } from '../../../shared/domain/mention.ts';

const TINY = path.resolve(import.meta.dirname, '../../fixtures/classifier/tiny-corpus.jsonl');
const FEATURES = { ...DEFAULT_FEATURES, bits: 12 };
const TRAINING = {
  relevance: { ...DEFAULT_HEAD_TRAINING.relevance, epochs: 10 },
  sentiment: { ...DEFAULT_HEAD_TRAINING.sentiment, epochs: 10 },
  category: { ...DEFAULT_HEAD_TRAINING.category, epochs: 10 },
};

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'bc-real-'));
  dirs.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** Two written examples, both neutral, and a real source `skewed`: 100 texts, 10 % neutral and 90 % positive. */
function neutralCorpusAndSkewedSource() {
  const corpus = readCorpus([TINY])
    .slice(0, 2)
    .map((e) => ({ ...e, language: 'de' as const, sentiment: 'neutral' as const }));
  const real = Array.from({ length: 100 }, (_, i) => ({
    id: `r-${i}`,
    source: 'skewed',
    language: 'de' as const,
    text: `t ${i}`,
    sentiment: i % 10 === 0 ? ('neutral' as const) : ('positive' as const),
  }));
  return { corpus, real };
}

function realDataDir(lines: readonly object[]): string {
  const dir = tempDir();
  mkdirSync(path.join(dir, 'tiny-source'));
  writeFileSync(path.join(dir, 'tiny-source', 'examples.jsonl'), `${lines.map((l) => JSON.stringify(l)).join('\n')}\n`);
  return dir;
}

describe('label mapping of the real sources', () => {
  it.each([
    [['gratitude'], 'positive'],
    [['admiration', 'joy'], 'positive'],
    [['annoyance', 'disapproval'], 'negative'],
    [['neutral'], 'neutral'],
    [['curiosity'], 'neutral'],
    [['confusion', 'neutral'], 'neutral'],
  ] as const)('maps GoEmotions %j to %s', (emotions, sentiment) => {
    expect(goEmotionsSentiment(emotions)).toBe(sentiment);
  });

  it('drops a GoEmotions comment whose emotions mix positive and negative', () => {
    expect(goEmotionsSentiment(['joy', 'sadness'])).toBeUndefined();
  });

  it('keeps PotTS positive, negative and neutral and drops mixed', () => {
    expect(['positive', 'negative', 'neutral', 'mixed'].map(pottsSentiment)).toEqual([
      'positive',
      'negative',
      'neutral',
      undefined,
    ]);
  });

  it.each([
    [[5], 'positive'],
    [[8, 2], 'positive'],
    [[1], 'negative'],
    [[6, 7], 'negative'],
  ] as const)('maps XED emotions %j to %s', (numbers, sentiment) => {
    expect(xedSentiment(numbers)).toBe(sentiment);
  });

  it.each([
    ['mix joy and anger', [5, 1]],
    ['have only anticipation or surprise', [2, 7]],
    ['carry a number outside 1-8', [9]],
  ])('drops XED lines that %s', (_, numbers) => {
    expect(xedSentiment(numbers)).toBeUndefined();
  });
});

describe('import-real-data', () => {
  it('turns GoEmotions files into sentiment examples, skipping mixed, repeated and malformed lines', () => {
    // Arrange
    const dir = tempDir();
    writeFileSync(path.join(dir, 'emotions.txt'), 'joy\nsadness\nneutral\n');
    writeFileSync(
      path.join(dir, 'train.tsv'),
      'Thanks, that worked!\t0\taaa1\nThis is awful\t1\taaa2\nhappy and sad\t0,1\taaa3\nno columns\n',
    );
    writeFileSync(path.join(dir, 'dev.tsv'), 'Thanks, that worked!\t0\taaa1\n');
    writeFileSync(path.join(dir, 'test.tsv'), 'It is Tuesday\t2\taaa4\n');

    // Act
    const examples = importGoEmotions(dir, 1);

    // Assess
    expect(examples).toEqual([
      {
        id: 'goemotions-aaa1',
        source: 'goemotions',
        language: 'en',
        text: 'Thanks, that worked!',
        sentiment: 'positive',
      },
      { id: 'goemotions-aaa2', source: 'goemotions', language: 'en', text: 'This is awful', sentiment: 'negative' },
      { id: 'goemotions-aaa4', source: 'goemotions', language: 'en', text: 'It is Tuesday', sentiment: 'neutral' },
    ]);
  });

  it('turns PotTS files into sentiment examples without the mixed ones', () => {
    // Arrange
    const dir = tempDir();
    for (const folder of ['train', 'dev', 'test']) mkdirSync(path.join(dir, folder));
    writeFileSync(
      path.join(dir, 'train', '1.general.tsv'),
      '101\tpositive\tSuper Tag :)\textra\n102\tmixed\tGut und schlecht\n',
    );
    writeFileSync(path.join(dir, 'dev', '7.general.tsv'), '103\tnegative\tSchon wieder Stau\n');

    // Act
    const examples = importPotts(dir);

    // Assess
    expect(examples.map((e) => [e.id, e.sentiment, e.language])).toEqual([
      ['potts-101', 'positive', 'de'],
      ['potts-103', 'negative', 'de'],
    ]);
  });
});

describe('import-real-data for XED', () => {
  it('turns XED subtitle lines into sentiment examples with ids from the text, dropping conflicts and alignment rows', () => {
    // Arrange
    const dir = tempDir();
    mkdirSync(path.join(dir, 'AnnotatedData'));
    mkdirSync(path.join(dir, 'Projections'));
    writeFileSync(
      path.join(dir, 'AnnotatedData', 'en-annotated.tsv'),
      'Thank you, my friend.\t8, 5\r\nGet out !\t1\r\nWhat was that?\t7\r\nYeah.\t5\r\n, ...\t1\r\n',
    );
    writeFileSync(path.join(dir, 'AnnotatedData', 'neu_en.txt'), '9\tTwo pair tens.\n9\tYeah.\n');
    writeFileSync(
      path.join(dir, 'Projections', 'de-projections.tsv'),
      'Raus hier!\t1\r\nen/1.xml.gz\tde/1.xml.gz\t1\t2\tNo.\tNein.\r\n',
    );

    // Act
    const en = importXed(dir, 'en');
    const de = importXed(dir, 'de');

    // Assess
    expect(en.map((e) => [e.text, e.sentiment])).toEqual([
      ['Thank you, my friend.', 'positive'],
      ['Get out !', 'negative'],
      ['Two pair tens.', 'neutral'],
    ]);
    expect(en.every((e) => /^xed-[0-9a-f]{12}$/.test(e.id) && e.language === 'en')).toBe(true);
    expect(de.map((e) => [e.source, e.language, e.text, e.sentiment])).toEqual([
      ['xed-de', 'de', 'Raus hier!', 'negative'],
    ]);
  });
});

describe('import-real-data for the UCI sentiment labelled sentences', () => {
  it('turns each site into its own source, 1 positive and 0 negative, keeping a repeated sentence once and dropping one with both labels', () => {
    // Arrange
    const dir = tempDir();
    writeFileSync(
      path.join(dir, 'amazon_cells_labelled.txt'),
      'Good case, Excellent value.\t1\nBattery died after a week.  \t0\nGood case, Excellent value.\t1\n',
    );
    writeFileSync(
      path.join(dir, 'yelp_labelled.txt'),
      'Service was slow.\t0\r\nIt was ok.\t1\r\nIt was ok.\t0\r\n:)\t1\r\n',
    );
    writeFileSync(path.join(dir, 'imdb_labelled.txt'), 'A very, very, very slow-moving film.  \t0\nno label here\n');

    // Act
    const examples = importUciSentences(dir);

    // Assess
    expect(examples.map((e) => [e.id, e.source, e.language, e.text, e.sentiment])).toEqual([
      ['uci-amazon-0001', 'uci-amazon', 'en', 'Good case, Excellent value.', 'positive'],
      ['uci-amazon-0002', 'uci-amazon', 'en', 'Battery died after a week.', 'negative'],
      ['uci-yelp-0001', 'uci-yelp', 'en', 'Service was slow.', 'negative'],
      ['uci-imdb-0001', 'uci-imdb', 'en', 'A very, very, very slow-moving film.', 'negative'],
    ]);
  });
});

describe("import-real-data for the Women's E-Commerce Clothing Reviews", () => {
  it.each([
    ['1', '0', 'negative'],
    ['2', '0', 'negative'],
    ['4', '1', 'positive'],
    ['5', '1', 'positive'],
    ['3', '1', undefined],
    ['3', '0', undefined],
    ['2', '1', undefined],
    ['5', '0', undefined],
    ['', '1', undefined],
  ] as const)('maps %s stars with recommended %s to %s', (rating, recommended, sentiment) => {
    expect(clothingReviewSentiment(rating, recommended)).toBe(sentiment);
  });

  it('joins title and body and cuts a long review after the last whole sentence that fits', () => {
    expect(shortReview('Runs small', 'Ordered my  usual size.')).toBe('Runs small. Ordered my usual size.');
    expect(shortReview('Love it!', 'Great colour.')).toBe('Love it! Great colour.');
    expect(shortReview('', 'Great colour.')).toBe('Great colour.');
    expect(shortReview('Meh', 'First part. Second part that is long.', 20)).toBe('Meh. First part.');
    expect(shortReview('', 'one two three four five six', 12)).toBe('one two');
  });

  it('reads the Kaggle CSV: stars and flag as sentiment, all negative and a sample of positive reviews, a repeated text once', () => {
    // Arrange
    const dir = tempDir();
    const header =
      ',Clothing ID,Age,Title,Review Text,Rating,Recommended IND,Positive Feedback Count,Division Name,Department Name,Class Name';
    writeFileSync(
      path.join(dir, CLOTHING_REVIEWS_FILE),
      [
        header,
        '0,767,33,,Absolutely wonderful,5,1,0,Initmates,Intimate,Intimates',
        '1,1080,34,Returned it,"Too tight, cheap fabric.",1,0,4,General,Dresses,Dresses',
        '2,1077,60,So-so,"Nice colour, runs large.",3,1,0,General,Dresses,Dresses',
        '3,1049,50,,,2,0,0,General,Bottoms,Pants',
        '4,847,47,Returned it,"Too tight, cheap fabric.",2,0,0,General,Tops,Blouses',
        '5,1080,49,Odd,Love the print.,2,1,0,General,Dresses,Dresses',
      ].join('\r\n'),
    );

    // Act
    const all = importClothingReviews(dir, 1);
    const negativeOnly = importClothingReviews(dir, 0);

    // Assess
    expect(all.map((e) => [e.id, e.source, e.language, e.text, e.sentiment])).toEqual([
      ['clothing-reviews-00000', 'clothing-reviews', 'en', 'Absolutely wonderful', 'positive'],
      ['clothing-reviews-00001', 'clothing-reviews', 'en', 'Returned it. Too tight, cheap fabric.', 'negative'],
    ]);
    expect(negativeOnly.map((e) => e.id)).toEqual(['clothing-reviews-00001']);
  });

  it('refuses a file without the Kaggle columns', () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, CLOTHING_REVIEWS_FILE), 'Title,Review Text,Rating\nA,B,5\n');

    expect(() => importClothingReviews(dir)).toThrow(/not the Kaggle columns/);
  });
});

describe('import-real-data for UD German PUD', () => {
  it('takes plain news and Wikipedia sentences as neutral and drops those with opinion or violence words, "!", emojis or quotations', () => {
    expect(isNeutralNewsSentence('Die neuen Ausgaben werden über ein Bankkonto finanziert.')).toBe(true);
    expect(isNeutralNewsSentence('5.000 $ pro Person, das erlaubte Maximum.')).toBe(true);
    expect(isNeutralNewsSentence('Was sie sagt und was sie tut - eigentlich ist es unglaublich.')).toBe(false);
    expect(isNeutralNewsSentence('Das Essen war gut.')).toBe(false);
    expect(isNeutralNewsSentence('Bei dem Terroranschlag starben drei Menschen.')).toBe(false);
    expect(isNeutralNewsSentence('Ein Zeuge berichtete von einem Selbstmordversuch.')).toBe(false);
    expect(isNeutralNewsSentence('Der Zug fährt um acht!')).toBe(false);
    expect(isNeutralNewsSentence('Der Zug fährt um acht 🚆')).toBe(false);
    expect(isNeutralNewsSentence('„Wir fahren um acht“, sagte er.')).toBe(false);
  });

  it('reads the text lines of the CoNLL-U file with the sentence id as id, keeping only the neutral ones', () => {
    // Arrange
    const dir = tempDir();
    writeFileSync(
      path.join(dir, 'de_pud-ud-test.conllu'),
      [
        '# newdoc id = n01001',
        '# sent_id = n01001011',
        '# text = Leider war alles schlecht.',
        '1\tLeider\tleider\tADV\t_\t_\t0\troot\t_\t_',
        '',
        '# sent_id = w01002003',
        '# text = Die Brücke ist 300 Meter lang.',
        '1\tDie\tder\tDET\t_\t_\t2\tdet\t_\t_',
        '',
      ].join('\n'),
    );

    // Act
    const examples = importUdGermanPud(dir);

    // Assess
    expect(examples).toEqual([
      {
        id: 'ud-german-pud-w01002003',
        source: 'ud-german-pud',
        language: 'de',
        text: 'Die Brücke ist 300 Meter lang.',
        sentiment: 'neutral',
      },
    ]);
  });
});

describe('BANKING77 and NLU++ as complaint and question', () => {
  it('maps 25 of the 77 BANKING77 intents to complaint, 35 to question and drops 17', () => {
    const values = Object.values(BANKING77_CATEGORY);

    expect(values).toHaveLength(77);
    expect(values.filter((v) => v === 'complaint')).toHaveLength(25);
    expect(values.filter((v) => v === 'question')).toHaveLength(35);
    expect(values.filter((v) => v === null)).toHaveLength(17);
    expect(BANKING77_CATEGORY.declined_card_payment).toBe('complaint');
    expect(BANKING77_CATEGORY.exchange_rate).toBe('question');
    expect(BANKING77_CATEGORY.card_arrival).toBeNull();
  });

  it('turns BANKING77 csv rows into category examples, reading quoted commas, keeping a repeated text once and dropping one with two categories', () => {
    // Arrange
    const dir = tempDir();
    writeFileSync(
      path.join(dir, 'train.csv'),
      'text,category\n"My card got declined, why?",declined_card_payment\nWhat is the exchange rate?,exchange_rate\nWhere is my card?,card_arrival\nHelp me,card_not_working\n',
    );
    writeFileSync(
      path.join(dir, 'test.csv'),
      'text,category\r\nWhat is the exchange rate?,exchange_rate\r\nHelp me,exchange_rate\r\n"He said ""no""",card_swallowed\r\n',
    );

    // Act
    const examples = importBanking77(dir);

    // Assess
    expect(examples.map((e) => [e.id, e.source, e.language, e.text, e.category, e.sentiment])).toEqual([
      ['banking77-train-00001', 'banking77', 'en', 'My card got declined, why?', 'complaint', undefined],
      ['banking77-train-00002', 'banking77', 'en', 'What is the exchange rate?', 'question', undefined],
      ['banking77-test-00003', 'banking77', 'en', 'He said "no"', 'complaint', undefined],
    ]);
  });

  it('refuses a BANKING77 intent the mapping does not know', () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, 'train.csv'), 'text,category\nhello,new_intent\n');
    writeFileSync(path.join(dir, 'test.csv'), 'text,category\n');

    expect(() => importBanking77(dir)).toThrow(/unknown intent new_intent/);
  });

  it('calls an NLU++ message a complaint when something is wrong, a question when it asks, and leaves the rest out', () => {
    expect(nluppCategory(['why', 'spa', 'wrong_notworking_notshowing'])).toBe('complaint');
    expect(nluppCategory(['request_info', 'pets'])).toBe('question');
    expect(nluppCategory(['booking', 'make_open_apply_setup_get_activate'])).toBeUndefined();
    expect(nluppCategory([])).toBeUndefined();
  });

  it('reads the NLU++ folds into a test set, keeping a repeated text once', () => {
    // Arrange
    const dir = tempDir();
    for (let fold = 0; fold < 20; fold++)
      writeFileSync(
        path.join(dir, `fold${fold}.json`),
        JSON.stringify(
          fold === 0
            ? [
                { text: 'wifi is broken', intents: ['wrong_notworking_notshowing', 'wifi'] },
                { text: 'tomorrow', slots: {} },
                { text: 'is there a gym?', intents: ['request_info', 'gym'] },
              ]
            : [{ text: 'wifi is broken', intents: ['wrong_notworking_notshowing'] }],
        ),
      );

    // Act
    const examples = importNluppHotels(dir);

    // Assess
    expect(examples.map((e) => [e.id, e.text, e.category])).toEqual([
      ['nlupp-hotels-0-0', 'wifi is broken', 'complaint'],
      ['nlupp-hotels-0-2', 'is there a gym?', 'question'],
    ]);
  });
});

describe('the committed real data', () => {
  it('has a SOURCE.md with licence and attribution for every source, each listed in DATA-LICENSES.md', () => {
    // Arrange
    const sources = readdirSync(REAL_DATA_DIR, { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .map((d) => d.name);
    const overview = readFileSync(path.join(REAL_DATA_DIR, 'DATA-LICENSES.md'), 'utf8');

    // Act
    const docs = sources.map((source) => readFileSync(path.join(REAL_DATA_DIR, source, 'SOURCE.md'), 'utf8'));

    // Assess
    expect(sources.length).toBeGreaterThan(0);
    for (const [i, doc] of docs.entries()) {
      expect(doc).toMatch(/\*\*Licence\*\*: (CC0|CC BY 4\.0|CC BY-SA|MIT|Apache)/);
      expect(doc).toMatch(/\*\*Attribution\*\*/);
      expect(doc).toMatch(/## How labels were made/);
      expect(overview).toContain(`\`${sources[i]}/\``);
    }
  });

  it('reads as examples that each label sentiment or category and name their source folder', () => {
    const examples = readRealData();

    expect(examples.length).toBeGreaterThan(10_000);
    expect(
      examples.every((e) => (e.sentiment !== undefined || e.category !== undefined) && e.id.startsWith(`${e.source}-`)),
    ).toBe(true);
    expect(examples.filter((e) => e.category !== undefined).every((e) => e.source === 'banking77')).toBe(true);
    expect(new Set(examples.map((e) => e.language))).toEqual(new Set(['de', 'en']));
  });

  it('names file and line of an invalid example', () => {
    const dir = realDataDir([
      { id: 'x-1', source: 'x', language: 'en', text: 'fine', sentiment: 'positive' },
      { id: 'x-2', source: 'x', language: 'en', text: 'bad', sentiment: 'furious' },
    ]);

    expect(() => readRealData(dir)).toThrow(CorpusError);
    expect(() => readRealData(dir)).toThrow(/examples\.jsonl:2: sentiment/);
  });
});

describe('training on the written corpus plus real data', () => {
  it('trains a head only on the examples that carry its label', () => {
    // Arrange
    const examples = [
      { text: 'toll', sentiment: 'positive' as const },
      { text: 'Rechnung falsch', relevant: true, sentiment: 'negative' as const, category: 'complaint' as const },
      { text: 'Spam', relevant: false, sentiment: 'neutral' as const, category: 'other' as const },
    ];
    const vectors = vectorize(
      examples.map((e) => e.text),
      FEATURES,
    );

    // Act
    const category = labeledFor('category', examples, vectors);
    const relevance = labeledFor('relevance', examples, vectors);
    const sentiment = labeledFor('sentiment', examples, vectors);

    // Assess
    expect(category.map((e) => e.x)).toEqual([vectors[1]]);
    expect(relevance.map((e) => e.y)).toEqual([1, 0]);
    expect(sentiment.map((e) => e.y)).toEqual([2, 0, 1]);
  });

  it('trains the category head, and only it, on a real example that labels only the category', () => {
    // Arrange
    const examples = [{ text: 'my card was declined', category: 'complaint' as const }];
    const vectors = vectorize(
      examples.map((e) => e.text),
      FEATURES,
    );

    // Act / Assess
    expect(labeledFor('category', examples, vectors)).toHaveLength(1);
    expect(labeledFor('relevance', examples, vectors)).toHaveLength(0);
    expect(labeledFor('sentiment', examples, vectors)).toHaveLength(0);
  });

  it('weighs a real example that labels only the category at the category weight', () => {
    // Arrange
    const corpus = readCorpus([TINY]).slice(0, 4);
    const real = Array.from({ length: 40 }, (_, i) => ({
      id: `b-${i}`,
      source: 'b',
      language: 'en' as const,
      text: `card ${i}`,
      category: i % 2 ? ('complaint' as const) : ('question' as const),
    }));

    // Act
    const weighted = realTrainingExamples(real, 0.25, corpus, { categoryWeight: 0.05 });

    // Assess
    expect(weighted.length).toBeGreaterThan(0);
    expect(weighted.every((e) => e.weight === 0.05)).toBe(true);
  });

  it('lets a heavier example outweigh a lighter one with the opposite label', () => {
    // Arrange
    const examples = [
      { text: 'na super', sentiment: 'positive' as const, weight: 1 },
      { text: 'na super', sentiment: 'negative' as const, weight: 4 },
    ];
    const { vectors } = vectorizeTraining(
      examples.map((e) => e.text),
      { ...FEATURES, idf: false },
    );

    // Act
    const head = trainHead(
      'sentiment',
      SENTIMENTS,
      labeledFor('sentiment', examples, vectors),
      FEATURES.bits,
      DEFAULT_TRAINING,
    );

    // Assess
    expect(head.classes[argmax(predict(head, vectors[0]!))]).toBe('negative');
  });

  it('adds the training part of the real data to each language model and never its held-out part', () => {
    // Arrange
    const corpusDir = tempDir();
    writeFileSync(path.join(corpusDir, 'tiny.jsonl'), readFileSync(TINY));
    const real = Array.from({ length: 40 }, (_, i) => ({
      id: `tiny-${i}`,
      source: 'tiny-source',
      language: i % 2 ? 'de' : 'en',
      text: `text number ${i}`,
      sentiment: SENTIMENTS[i % 3],
    }));
    const realDir = realDataDir(real);
    const corpusTrain = splitCorpus(readCorpus([TINY])).train;
    const realTrain = splitCorpus(real).train;

    // Act
    const built = buildModels({
      corpusDir,
      outDir: tempDir(),
      features: FEATURES,
      training: TRAINING,
      realDataDir: realDir,
      realWeight: 0.5,
    });

    // Assess
    const count = (language: string) =>
      corpusTrain.filter((e) => language === 'any' || e.language === language).length +
      realTrain.filter((e) => language === 'any' || e.language === language).length;
    expect(built.map((m) => [m.language, m.trainExamples])).toEqual([
      ['de', count('de')],
      ['en', count('en')],
      ['any', count('any')],
    ]);
    expect(realTrain.length).toBeLessThan(real.length);
  });

  it("weighs each real source's classes so its sentiment mix counts like the written corpus's, at the given weight on average", () => {
    // Arrange: the corpus is half neutral; the source is three quarters positive.
    const corpus = readCorpus([TINY])
      .slice(0, 4)
      .map((e, i) => ({
        ...e,
        language: 'en' as const,
        sentiment: i < 2 ? ('neutral' as const) : ('positive' as const),
      }));
    const real = Array.from({ length: 400 }, (_, i) => ({
      id: `r-${i}`,
      source: 's',
      language: 'en' as const,
      text: `t ${i}`,
      sentiment: i % 4 === 0 ? ('neutral' as const) : ('positive' as const),
    }));

    // Act
    const weighted = realTrainingExamples(real, 0.5, corpus);

    // Assess
    const total = (sentiment: string) =>
      weighted.filter((e) => e.sentiment === sentiment).reduce((sum, e) => sum + e.weight!, 0);
    expect(total('neutral')).toBeCloseTo(total('positive'), 6);
    expect(weighted.reduce((sum, e) => sum + e.weight!, 0) / weighted.length).toBeCloseTo(0.5, 6);
    expect(weighted.every((e) => splitCorpus(real).train.some((t) => t.id === e.id))).toBe(true);
  });

  it("multiplies a source's weight by its factor, on top of the class-mix matching", () => {
    // Arrange
    const corpus = readCorpus([TINY])
      .slice(0, 2)
      .map((e) => ({ ...e, language: 'de' as const, sentiment: 'neutral' as const }));
    const real = Array.from({ length: 100 }, (_, i) => ({
      id: `r-${i}`,
      source: i % 2 ? 'plain' : 'heavy',
      language: 'de' as const,
      text: `t ${i}`,
      sentiment: 'neutral' as const,
    }));

    // Act
    const weighted = realTrainingExamples(real, 0.5, corpus, { sourceFactors: { heavy: 3 } });

    // Assess
    expect(new Set(weighted.filter((e) => e.source === 'plain').map((e) => e.weight))).toEqual(new Set([0.5]));
    expect(new Set(weighted.filter((e) => e.source === 'heavy').map((e) => e.weight))).toEqual(new Set([1.5]));
  });

  it('weighs every sentiment example at the source weight when the class-mix matching is off', () => {
    // Arrange
    const { corpus, real } = neutralCorpusAndSkewedSource();

    // Act
    const weighted = realTrainingExamples(real, 0.5, corpus, { matchClassMix: false, sourceFactors: { skewed: 2 } });

    // Assess
    expect(new Set(weighted.map((e) => e.weight))).toEqual(new Set([1]));
    expect(new Set(weighted.map((e) => e.source))).toEqual(new Set(['skewed']));
  });

  it("gives each class of a source the same total weight when balanceClassMix is on, whatever the corpus's mix", () => {
    // Arrange: a written corpus that is all neutral, a real source 10 % neutral and 90 % positive
    const { corpus, real } = neutralCorpusAndSkewedSource();

    // Act
    const weighted = realTrainingExamples(real, 0.5, corpus, { balanceClassMix: true });

    // Assess
    const total = (sentiment: string) =>
      weighted.filter((e) => e.sentiment === sentiment).reduce((sum, e) => sum + e.weight!, 0);
    expect(total('neutral')).toBeGreaterThan(0);
    expect(total('neutral')).toBeCloseTo(total('positive'), 6);
    expect(weighted.reduce((sum, e) => sum + e.weight!, 0) / weighted.length).toBeCloseTo(0.5, 6);
  });

  it("carries each real example's source into the sentiment head's training (sourcePriors)", () => {
    // Arrange: a one-sided real source whose texts share no word with the corpus
    const { train, heldOut } = splitCorpus(readCorpus([TINY]));
    const real = Array.from({ length: 40 }, (_, i) => ({
      text: `lovely parcel number ${i}`,
      sentiment: 'positive' as const,
      source: 'one-sided',
    }));
    const priors = { ...TRAINING, sentiment: { ...TRAINING.sentiment, sourcePriors: true } };
    const input = {
      language: 'any' as const,
      train: [...train, ...real],
      heldOut,
      features: FEATURES,
      calibrate: false,
    };

    // Act
    const plain = trainLanguageModel({ ...input, training: TRAINING });
    const withPriors = trainLanguageModel({ ...input, training: priors });
    const unsourced = trainLanguageModel({
      ...input,
      train: [...train, ...real.map(({ source: _, ...e }) => e)],
      training: priors,
    });

    // Assess: the source's offset takes its positive lean off the shipped bias
    const lean = (bias: ArrayLike<number>) => bias[2]! - bias[0]!;
    expect(lean(withPriors.heads.sentiment.bias)).toBeLessThan(lean(plain.heads.sentiment.bias));
    expect(unsourced.heads.sentiment).toEqual(plain.heads.sentiment);
    expect(withPriors.heads.relevance).toEqual(plain.heads.relevance);
  });

  it('leaves the relevance and category heads exactly as the written corpus trains them when real texts label only sentiment', () => {
    // Arrange
    const { train, heldOut } = splitCorpus(readCorpus([TINY]));
    const real = [
      { text: 'what a wonderful day', sentiment: 'positive' as const, weight: 0.25 },
      { text: 'this is terrible news', sentiment: 'negative' as const, weight: 0.25 },
    ];
    const idfTexts = train.map((e) => e.text);

    // Act
    const corpusOnly = trainLanguageModel({
      language: 'any',
      train,
      heldOut,
      features: FEATURES,
      training: TRAINING,
      idfTexts,
    });
    const withReal = trainLanguageModel({
      language: 'any',
      train: [...train, ...real],
      heldOut,
      features: FEATURES,
      training: TRAINING,
      idfTexts,
    });

    // Assess
    expect(withReal.heads.category.weights).toEqual(corpusOnly.heads.category.weights);
    expect(withReal.heads.relevance.weights).toEqual(corpusOnly.heads.relevance.weights);
    expect(withReal.heads.sentiment.weights).not.toEqual(corpusOnly.heads.sentiment.weights);
  });
});
