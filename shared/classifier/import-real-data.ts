import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Sentiment } from '../domain/mention.ts';
import { unitHash } from './corpus.ts';
import {
  BANKING77_CATEGORY,
  goEmotionsSentiment,
  nluppCategory,
  pottsSentiment,
  REAL_DATA_DIR,
  type RealExample,
  xedSentiment,
} from './real-data.ts';

/**
 * Rebuilds shared/classifier/data/<source>/examples.jsonl from snapshots of the sources
 * (see each SOURCE.md for where they come from). Training never runs this: it reads the
 * committed JSONL, without network and without ../shared.
 *
 *   tsx shared/classifier/import-real-data.ts \
 *     --goemotions <folder with train.tsv, dev.tsv, test.tsv, emotions.txt | bare-git-dir:path> \
 *     --potts <folder with train/, dev/, test/ of PotTS not-preprocessed | bare-git-dir:path> \
 *     --xed <folder with AnnotatedData/ and Projections/ of XED | bare-git-dir:>
 *     --uci-sentences <folder with {amazon_cells,yelp,imdb}_labelled.txt | bare-git-dir:path>
 *     --ud-german-pud <folder with de_pud-ud-test.conllu | bare-git-dir:>
 *     --banking77 <folder with train.csv, test.csv of BANKING77 | bare-git-dir:banking_data>
 *     --nlupp-hotels <folder with fold0.json ... fold19.json of NLU++ hotels | bare-git-dir:nlupp/data/hotels>
 *     --clothing-reviews <folder with "Womens Clothing E-Commerce Reviews.csv" | bare-git-dir:path>
 *
 * NLU++ hotels is a test set only: it is written to bench/data/nlupp-hotels, outside the
 * folders training reads. The clothing reviews train the English sentiment head since
 * round w15 (docs/classifier.md).
 *
 * Same snapshots, same bytes.
 */

/** GoEmotions keeps this share of its examples (chosen by a hash of the id): the repo stays a few MB. */
export const GOEMOTIONS_SAMPLE = 0.3;

function argument(name: string): string | undefined {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 ? process.argv[at + 1] : undefined;
}

/** A file of a snapshot: a plain folder, or `<bare git dir>:<path in the repo>` read at HEAD. */
function snapshotFile(spec: string, file: string): string {
  if (existsSync(path.join(spec, file))) return readFileSync(path.join(spec, file), 'utf8');
  const at = spec.lastIndexOf(':');
  if (at <= 0) throw new Error(`${file} not found under ${spec}`);
  const gitDir = spec.slice(0, at);
  const inRepo = path.posix.join(spec.slice(at + 1), file);
  return execFileSync('git', ['--git-dir', gitDir, 'show', `HEAD:${inRepo}`], {
    encoding: 'utf8',
    maxBuffer: 64 << 20,
    stdio: ['ignore', 'pipe', 'ignore'],
  });
}

function snapshotList(spec: string, folder: string): string[] {
  const at = spec.lastIndexOf(':');
  const plain = path.join(spec, folder);
  if (existsSync(plain)) return execFileSync('ls', [plain], { encoding: 'utf8' }).split('\n').filter(Boolean);
  const inRepo = path.posix.join(spec.slice(at + 1), folder);
  return execFileSync('git', ['--git-dir', spec.slice(0, at), 'ls-tree', '--name-only', `HEAD:${inRepo}`], {
    encoding: 'utf8',
  })
    .split('\n')
    .filter(Boolean);
}

/** GoEmotions' train, dev and test files: `text \t emotion ids \t comment id`, no header. */
export function importGoEmotions(spec: string, sample = GOEMOTIONS_SAMPLE): RealExample[] {
  // google-research names the label list emotions.txt; some copies call it labels.txt.
  let list: string;
  try {
    list = snapshotFile(spec, 'emotions.txt');
  } catch {
    list = snapshotFile(spec, 'labels.txt');
  }
  const emotions = list
    .split('\n')
    .map((e) => e.trim())
    .filter(Boolean);
  const out: RealExample[] = [];
  const seen = new Set<string>();
  for (const split of ['train.tsv', 'dev.tsv', 'test.tsv']) {
    for (const line of snapshotFile(spec, split).split('\n')) {
      const [text, ids, commentId] = line.split('\t');
      if (!text || !ids || !commentId) continue;
      const id = `goemotions-${commentId.trim()}`;
      // A hash of its own (`sample:` prefix): the held-out split hashes the bare id, and must stay independent of the sample.
      if (seen.has(id) || unitHash(`sample:${id}`) >= sample) continue;
      seen.add(id);
      const sentiment = goEmotionsSentiment(ids.split(',').map((i) => emotions[Number(i)] ?? ''));
      if (!sentiment) continue;
      out.push({ id, source: 'goemotions', language: 'en', text: text.trim(), sentiment });
    }
  }
  return out;
}

/** PotTS tweets as CGSA ships them: `tweet id \t label \t text \t ...`, one file per annotation batch. */
export function importPotts(spec: string): RealExample[] {
  const out: RealExample[] = [];
  const seen = new Set<string>();
  for (const folder of ['train', 'dev', 'test']) {
    for (const file of snapshotList(spec, folder)
      .filter((f) => f.endsWith('.tsv'))
      .sort()) {
      for (const line of snapshotFile(spec, `${folder}/${file}`).split('\n')) {
        const [tweetId, label, text] = line.split('\t');
        if (!tweetId || !label || !text) continue;
        const id = `potts-${tweetId.trim()}`;
        const sentiment = pottsSentiment(label.trim());
        if (seen.has(id) || !sentiment) continue;
        seen.add(id);
        out.push({ id, source: 'potts', language: 'de', text: text.trim(), sentiment });
      }
    }
  }
  return out;
}

/**
 * XED's subtitle lines (`text \t emotion numbers`), English annotated by people
 * (`AnnotatedData/en-annotated.tsv`, neutral lines in `AnnotatedData/neu_en.txt` as
 * `9 \t text`) or German projected from them (`Projections/de-projections.tsv`, no neutral
 * lines). XED has no line ids: the id is a hash of the text, and a text that comes with two
 * different sentiments is dropped. Lines without a letter, or that are not `text \t labels`
 * (the German file holds alignment rows too), are skipped.
 */
export function importXed(spec: string, language: 'en' | 'de'): RealExample[] {
  const source = language === 'en' ? 'xed' : 'xed-de';
  const labelled: [string, RealExample['sentiment']][] = [];
  const lines = (file: string) => snapshotFile(spec, file).split(/\r?\n/);
  const annotated = language === 'en' ? 'AnnotatedData/en-annotated.tsv' : 'Projections/de-projections.tsv';
  for (const line of lines(annotated)) {
    const columns = line.split('\t');
    if (columns.length !== 2 || !/^\d+(, *\d+)*$/.test(columns[1]!.trim())) continue;
    labelled.push([columns[0]!, xedSentiment(columns[1]!.split(',').map(Number))]);
  }
  if (language === 'en')
    for (const line of lines('AnnotatedData/neu_en.txt')) {
      const [label, text] = line.split('\t');
      if (label?.trim() === '9' && text) labelled.push([text, 'neutral']);
    }
  const byText = new Map<string, RealExample['sentiment'] | null>();
  for (const [raw, sentiment] of labelled) {
    const text = raw.trim();
    if (!/\p{L}/u.test(text)) continue;
    const before = byText.get(text);
    // null marks a text seen with two different labels (or one without a side): dropped.
    byText.set(text, before === undefined ? (sentiment ?? null) : before === sentiment ? before : null);
  }
  const out: RealExample[] = [];
  for (const [text, sentiment] of byText) {
    if (!sentiment) continue;
    const id = `${source}-${createHash('sha1').update(text).digest('hex').slice(0, 12)}`;
    out.push({ id, source, language, text, sentiment });
  }
  return out;
}

/** The three sites of UCI's "Sentiment Labelled Sentences" and the file each is in. */
export const UCI_SENTENCE_SITES = {
  amazon: 'amazon_cells_labelled.txt',
  yelp: 'yelp_labelled.txt',
  imdb: 'imdb_labelled.txt',
} as const;

/**
 * UCI's "Sentiment Labelled Sentences" (Kotzias et al., KDD 2015): review sentences as
 * `sentence \t 0|1`, 1,000 per site (Amazon products, Yelp restaurants, IMDb films), picked
 * by its authors to be clearly positive (1) or negative (0); no neutral sentences. The source
 * is `uci-<site>`, the id `uci-<site>-<line number>`; a sentence repeated within a site is
 * kept once (its first line), and one repeated with the other label is dropped.
 */
export function importUciSentences(spec: string): RealExample[] {
  const out: RealExample[] = [];
  for (const [site, file] of Object.entries(UCI_SENTENCE_SITES)) {
    const byText = new Map<string, { id: string; sentiment: RealExample['sentiment'] | null }>();
    snapshotFile(spec, file)
      .split(/\r?\n/)
      .forEach((line, index) => {
        const match = /^(.*\S)\s*\t\s*([01])\s*$/.exec(line);
        if (!match || !/\p{L}/u.test(match[1]!)) return;
        const text = match[1]!.trim();
        const sentiment = match[2] === '1' ? 'positive' : 'negative';
        const before = byText.get(text);
        if (!before) byText.set(text, { id: `uci-${site}-${String(index + 1).padStart(4, '0')}`, sentiment });
        else if (before.sentiment !== sentiment) before.sentiment = null;
      });
    for (const [text, { id, sentiment }] of byText)
      if (sentiment) out.push({ id, source: `uci-${site}`, language: 'en', text, sentiment });
  }
  return out;
}

/**
 * Stems of German words that carry an opinion or an emotion (praise, blame, fear, surprise),
 * the project's own list: a UD German PUD sentence with a word that starts with one of them
 * is not taken as neutral. Matched after lower-casing; over-matching ("Gutachten") only drops
 * a sentence.
 */
export const GERMAN_OPINION_STEMS = [
  'gut',
  'best',
  'besser',
  'schlecht',
  'schlimm',
  'toll',
  'super',
  'schön',
  'wunderbar',
  'herrlich',
  'großartig',
  'fantastisch',
  'perfekt',
  'hervorragend',
  'ausgezeichnet',
  'prima',
  'klasse',
  'genial',
  'liebe',
  'lieb',
  'hass',
  'freu',
  'froh',
  'glück',
  'dank',
  'lob',
  'stolz',
  'begeister',
  'erfolg',
  'leider',
  'ärger',
  'wut',
  'wütend',
  'zorn',
  'enttäusch',
  'traurig',
  'trauer',
  'angst',
  'ängst',
  'furcht',
  'fürcht',
  'schreck',
  'sorge',
  'besorg',
  'katastroph',
  'kritik',
  'kritisier',
  'beschwer',
  'klage',
  'klagt',
  'vorwurf',
  'vorwürf',
  'schuld',
  'fehler',
  'falsch',
  'versag',
  'unglaublich',
  'furchtbar',
  'entsetz',
  'schock',
  'empör',
  'tragisch',
  'tragöd',
  'gefahr',
  'gefähr',
  'bedroh',
  'drohung',
  'dumm',
  'blöd',
  'böse',
  'übel',
  'hässlich',
  'widerlich',
  'ekel',
  'peinlich',
  'lächerlich',
  'schade',
  'scheiß',
  'mist',
  'verdammt',
  'leid',
  'schmerz',
  'elend',
  'verlier',
  'verlor',
  'verlust',
  'niederlage',
  'sieg',
  'gewinn',
  'gewann',
  'feier',
  'spaß',
  'beliebt',
  'berühmt',
  'einsam',
  'schwierig',
  'tot',
  'töt',
  'sterb',
  'starb',
  'gestorben',
  'verletz',
  'erschoss',
  'schieß',
] as const;

/** Stems of violence, death and crisis, also matched inside a word ("Terroranschlag", "Selbstmord"). */
export const GERMAN_GRIEVANCE_PARTS = [
  'mord',
  'mörd',
  'opfer',
  'gewalt',
  'angriff',
  'anschlag',
  'terror',
  'krieg',
  'kampf',
  'kämpf',
  'waffe',
  'bombe',
  'explosion',
  'unfall',
  'verbrech',
  'krise',
  'skandal',
  'problem',
  'tod',
  'todes',
] as const;

const OPINION_WORD = new RegExp(
  `(?:^|[^\\p{L}])(?:${GERMAN_OPINION_STEMS.join('|')})|${GERMAN_GRIEVANCE_PARTS.join('|')}`,
  'u',
);

/**
 * Whether a UD German PUD sentence may be taken as neutral: no word starting with an opinion
 * stem (`GERMAN_OPINION_STEMS`), no violence or crisis part anywhere (`GERMAN_GRIEVANCE_PARTS`),
 * no "!" or emoji, and no quotation (a quoted speaker states an opinion more often than the
 * reporter does).
 */
export function isNeutralNewsSentence(text: string): boolean {
  if (/[!„“"»«]|\p{Extended_Pictographic}/u.test(text)) return false;
  return !OPINION_WORD.test(text.toLowerCase());
}

/**
 * UD German PUD (news and Wikipedia sentences, translated to German for the CoNLL 2017 shared
 * task): the `# text =` line of each sentence, as a neutral German example when
 * `isNeutralNewsSentence` allows it; the id is `ud-german-pud-<sent_id>`.
 */
export function importUdGermanPud(spec: string): RealExample[] {
  const out: RealExample[] = [];
  let sentId: string | undefined;
  for (const line of snapshotFile(spec, 'de_pud-ud-test.conllu').split(/\r?\n/)) {
    const id = /^# sent_id = (\S+)/.exec(line);
    if (id) sentId = id[1];
    const text = /^# text = (.*\S)/.exec(line);
    if (!text || !sentId) continue;
    if (isNeutralNewsSentence(text[1]!))
      out.push({
        id: `ud-german-pud-${sentId}`,
        source: 'ud-german-pud',
        language: 'de',
        text: text[1]!,
        sentiment: 'neutral',
      });
    sentId = undefined;
  }
  return out;
}

/** The rows of a CSV with a header (RFC 4180 quoting: `"` around a field, `""` inside one). */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      if (row.some((f) => f !== '')) rows.push(row);
      row = [];
      field = '';
    } else field += c;
  }
  row.push(field);
  if (row.some((f) => f !== '')) rows.push(row);
  return rows.slice(1);
}

/**
 * BANKING77 (PolyAI, Casanueva et al. 2020): online-banking customer messages as
 * `text,category` in train.csv and test.csv, one of 77 intents each, mapped to complaint or
 * question by `BANKING77_CATEGORY` (intents it drops are left out). The id is
 * `banking77-<file>-<row number>`; a text that occurs twice is kept once (its first row), and
 * dropped when its two rows map to different categories. Only the category head learns from
 * it (no sentiment or relevance label is guessed).
 */
export function importBanking77(spec: string): RealExample[] {
  const byText = new Map<string, { id: string; category: 'complaint' | 'question' | null }>();
  for (const file of ['train', 'test']) {
    parseCsv(snapshotFile(spec, `${file}.csv`)).forEach(([text, intent], index) => {
      const category = BANKING77_CATEGORY[intent?.trim() ?? ''];
      if (!text?.trim() || category === undefined) {
        if (text?.trim()) throw new Error(`banking77 ${file}.csv row ${index + 2}: unknown intent ${intent}`);
        return;
      }
      const key = text.trim();
      const before = byText.get(key);
      if (!before) byText.set(key, { id: `banking77-${file}-${String(index + 1).padStart(5, '0')}`, category });
      else if (before.category !== category) before.category = null;
    });
  }
  const out: RealExample[] = [];
  for (const [text, { id, category }] of byText)
    if (category) out.push({ id, source: 'banking77', language: 'en', text, category });
  return out;
}

/**
 * The sentiment of a Women's E-Commerce Clothing Review from its writer's own star rating
 * (1-5) and "recommended" flag (1 or 0): a weak label, not a rater's. 1-2 stars is negative
 * and 4-5 positive, but only when the flag agrees (a 2-star review that still recommends the
 * dress, or a 5-star one that does not, says the stars are not the text's sentiment: dropped).
 * 3 stars is dropped: such reviews are mostly mixed ("love the colour, runs small"), not
 * neutral in the sense of a mention without an opinion. Anything else is dropped too.
 */
export function clothingReviewSentiment(rating: string, recommended: string): Sentiment | undefined {
  const stars = rating.trim();
  const recommends = recommended.trim();
  if ((stars === '1' || stars === '2') && recommends === '0') return 'negative';
  if ((stars === '4' || stars === '5') && recommends === '1') return 'positive';
  return undefined;
}

/** The file of the Women's E-Commerce Clothing Reviews (Kaggle, nicapotato) and the columns it must start with. */
export const CLOTHING_REVIEWS_FILE = 'Womens Clothing E-Commerce Reviews.csv';
const CLOTHING_REVIEWS_HEADER = ',Clothing ID,Age,Title,Review Text,Rating,Recommended IND,';

/** A review is cut to this many characters (whole sentences where they fit): mentions are short. */
export const CLOTHING_REVIEW_MAX_CHARS = 300;

/**
 * The share of the positive reviews kept (chosen by a hash of the id, as GoEmotions' sample):
 * 89% of the usable reviews are positive, so all negative ones are kept and a quarter of the
 * positive ones, which keeps the folder near 2 MB. Training matches each source's class mix
 * to the written corpus's anyway (`realTrainingExamples`).
 */
export const CLOTHING_POSITIVE_SAMPLE = 0.25;

/**
 * A review's title and body as one short text: the title (a full stop added when it ends
 * without one), then the body, spaces collapsed; longer than `max`, it keeps the whole
 * sentences that fit, or, when the first sentence alone is longer, its words up to `max`.
 */
export function shortReview(title: string, body: string, max = CLOTHING_REVIEW_MAX_CHARS): string {
  const head = title.replace(/\s+/g, ' ').trim();
  const text = `${head && !/[.!?]$/.test(head) ? `${head}.` : head} ${body.replace(/\s+/g, ' ').trim()}`.trim();
  if (text.length <= max) return text;
  let kept = '';
  for (const sentence of text.split(/(?<=[.!?])\s+/)) {
    const next = kept ? `${kept} ${sentence}` : sentence;
    if (next.length > max) break;
    kept = next;
  }
  if (kept) return kept;
  const cut = text.slice(0, max + 1);
  return cut.slice(0, Math.max(cut.lastIndexOf(' '), 1)).trim();
}

/**
 * Women's E-Commerce Clothing Reviews (Kaggle, nicapotato, CC0): one row per review with an
 * index, Title, Review Text, Rating (1-5) and Recommended IND (1/0). Sentiment from the
 * writer's stars and flag (`clothingReviewSentiment`), the text from title and body
 * (`shortReview`); reviews without a body are skipped, every negative review is kept and a
 * `positiveSample` share of the positive ones. The id is `clothing-reviews-<row index>`; a
 * text that occurs twice is kept once, and dropped when its rows disagree.
 * @throws Error when the file does not start with the columns of the Kaggle CSV
 */
export function importClothingReviews(spec: string, positiveSample = CLOTHING_POSITIVE_SAMPLE): RealExample[] {
  const csv = snapshotFile(spec, CLOTHING_REVIEWS_FILE);
  if (!csv.replace(/^\uFEFF/, '').startsWith(CLOTHING_REVIEWS_HEADER))
    throw new Error(`${CLOTHING_REVIEWS_FILE}: not the Kaggle columns (${CLOTHING_REVIEWS_HEADER}...)`);
  const byText = new Map<string, { id: string; sentiment: RealExample['sentiment'] | null }>();
  for (const [index, , , title = '', body = '', rating = '', recommended = ''] of parseCsv(csv)) {
    const sentiment = clothingReviewSentiment(rating, recommended);
    if (!sentiment || !/\p{L}/u.test(body) || !/^\d+$/.test(index?.trim() ?? '')) continue;
    const id = `clothing-reviews-${index!.trim().padStart(5, '0')}`;
    if (sentiment === 'positive' && unitHash(`sample:${id}`) >= positiveSample) continue;
    const text = shortReview(title, body);
    const before = byText.get(text);
    if (!before) byText.set(text, { id, sentiment });
    else if (before.sentiment !== sentiment) before.sentiment = null;
  }
  const out: RealExample[] = [];
  for (const [text, { id, sentiment }] of byText)
    if (sentiment) out.push({ id, source: 'clothing-reviews', language: 'en', text, sentiment });
  return out;
}

/** Where the test-only NLU++ hotels set is written (never read by training). */
export const NLUPP_HOTELS_FILE = path.resolve(import.meta.dirname, '../../bench/data/nlupp-hotels/examples.jsonl');

/**
 * NLU++ hotels (PolyAI, Casanueva et al. 2022): `fold0.json` ... `fold19.json`, each a JSON
 * array of `{ text, intents?, slots? }`; a text is a complaint or a question by
 * `nluppCategory`, the rest is left out. The id is `nlupp-hotels-<fold>-<index>`; a repeated
 * text is kept once. A test set only.
 */
export function importNluppHotels(spec: string): RealExample[] {
  const out: RealExample[] = [];
  const seen = new Set<string>();
  for (let fold = 0; fold < 20; fold++) {
    const items = JSON.parse(snapshotFile(spec, `fold${fold}.json`)) as { text: string; intents?: string[] }[];
    items.forEach((item, index) => {
      const category = nluppCategory(item.intents ?? []);
      const text = item.text.trim();
      if (!category || !text || seen.has(text)) return;
      seen.add(text);
      out.push({ id: `nlupp-hotels-${fold}-${index}`, source: 'nlupp-hotels', language: 'en', text, category });
    });
  }
  return out;
}

function write(
  source: string,
  examples: readonly RealExample[],
  file = path.join(REAL_DATA_DIR, source, 'examples.jsonl'),
): void {
  const dir = path.dirname(file);
  mkdirSync(dir, { recursive: true });
  const sorted = [...examples].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  writeFileSync(file, `${sorted.map((e) => JSON.stringify(e)).join('\n')}\n`);
  const counts = sorted.reduce<Record<string, number>>((acc, e) => {
    const label = e.sentiment ?? e.category ?? '-';
    acc[label] = (acc[label] ?? 0) + 1;
    return acc;
  }, {});
  process.stdout.write(`${source}: ${sorted.length} examples ${JSON.stringify(counts)}\n`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename)) {
  const goemotions = argument('goemotions');
  const potts = argument('potts');
  const xed = argument('xed');
  const uciSentences = argument('uci-sentences');
  const udGermanPud = argument('ud-german-pud');
  const banking77 = argument('banking77');
  const nluppHotels = argument('nlupp-hotels');
  const clothingReviews = argument('clothing-reviews');
  if (
    !goemotions &&
    !potts &&
    !xed &&
    !uciSentences &&
    !udGermanPud &&
    !banking77 &&
    !nluppHotels &&
    !clothingReviews
  ) {
    process.stderr.write(
      'Usage: tsx shared/classifier/import-real-data.ts [--goemotions <snapshot>] [--potts <snapshot>] [--xed <snapshot>] [--uci-sentences <snapshot>] [--ud-german-pud <snapshot>] [--banking77 <snapshot>] [--nlupp-hotels <snapshot>] [--clothing-reviews <snapshot>]\n',
    );
    process.exit(2);
  }
  if (goemotions) write('goemotions', importGoEmotions(goemotions));
  if (potts) write('potts', importPotts(potts));
  if (xed) {
    write('xed', importXed(xed, 'en'));
    write('xed-de', importXed(xed, 'de'));
  }
  if (uciSentences) write('uci-sentences', importUciSentences(uciSentences));
  if (udGermanPud) write('ud-german-pud', importUdGermanPud(udGermanPud));
  if (banking77) write('banking77', importBanking77(banking77));
  if (nluppHotels) write('nlupp-hotels', importNluppHotels(nluppHotels), NLUPP_HOTELS_FILE);
  if (clothingReviews) write('clothing-reviews', importClothingReviews(clothingReviews));
}
