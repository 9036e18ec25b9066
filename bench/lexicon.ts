/**
 * Which sentiment features move the real-text ceiling (issue 15): negation scope marking, the
 * VADER lexicon's signals, emoji classes, and a class prior for the German head. Each
 * variant of the sentiment head's features is measured twice, beside the shipped features
 * (the baseline) in the same run:
 *
 * 1. k-fold cross-validation on the TRAINING parts only (written corpus train split plus the
 *    real data's train split, weighted as the shipped training weighs them): out-of-fold
 *    accuracy / macro-F1 on the written and on the real texts. This is what chooses.
 * 2. Trained on all training parts, scored on the held-out parts (never trained on) and, for
 *    German, on GermEval 2017 test_syn zero-shot (never trained on; read only when
 *    GERMEVAL_DIR or ../shared/data/germeval2017 holds it). This is what reports.
 *
 * Only the sentiment head is trained (relevance and category never see the new features'
 * values differently: the idf is learned from the written corpus, whose category and relevance
 * labels are unchanged). Accuracies are counts, not timings: the load of a shared machine
 * does not move them.
 *
 *   npm run bench:lexicon -- [variants, e.g. base,neg3,lex] [folds, default 4] [languages, default en,de]
 */
import { corpusFiles, REAL_DATA_WEIGHT, realTrainingExamples } from '../shared/classifier/build-models.ts';
import { readCorpus, splitCorpus, unitHash } from '../shared/classifier/corpus.ts';
import { DEFAULT_FEATURES, type FeatureOptions } from '../shared/classifier/features.ts';
import { argmax, predict, scoresOf, softmaxInPlace } from '../shared/classifier/linear-model.ts';
import { readRealData } from '../shared/classifier/real-data.ts';
import {
  DEFAULT_HEAD_TRAINING,
  labeledFor,
  scores,
  trainHead,
  vectorize,
  vectorizeWithIdfOf,
  type TrainingExample,
} from '../shared/classifier/train.ts';
import { SENTIMENTS } from '../shared/domain/mention.ts';
import { loadGermEval } from './germeval.ts';
import { foldOf as foldVectors, runVariantBench, scoresOfPart } from './sentiment-folds.ts';

/** The variants, as changes to the shipped features (`base` is the shipped features themselves). */
export const LEXICON_VARIANTS: Readonly<Record<string, Partial<FeatureOptions>>> = {
  base: {},
  neg3: { negationScope: 3 },
  negp: { negationScope: 50 },
  emoji: { emojiClasses: true },
  lex: { lexicon: 'en' },
  'lex+neg3': { lexicon: 'en', negationScope: 3 },
  'lex+neg3+emoji': { lexicon: 'en', negationScope: 3, emojiClasses: true },
  'neg3+emoji': { negationScope: 3, emojiClasses: true },
  // The project's English customer lexicon (lexicon/en-cx.ts, round w13); English only.
  cx: { lexicon: 'en-cx' },
  'cx+neg3': { lexicon: 'en-cx', negationScope: 3 },
};

type Example = TrainingExample & { readonly id: string; readonly language: string; readonly real: boolean };

const f3 = (x: number) => x.toFixed(3);

interface Scored {
  readonly accuracy: number;
  readonly macroF1: number;
}

function cell(s: Scored): string {
  return `${f3(s.accuracy)} / ${f3(s.macroF1)}`;
}

/** Runs the comparison and returns the Markdown tables. */
export function lexiconSection(
  variantNames: readonly string[],
  folds: number,
  languages: readonly ('de' | 'en')[],
  /** Called with each row as soon as it is measured (a run takes minutes). */
  progress: (line: string) => void = () => {},
) {
  const corpusTrain = splitCorpus(readCorpus(corpusFiles())).train;
  const corpusHeldOut = splitCorpus(readCorpus(corpusFiles())).heldOut;
  const real = readRealData();
  const realHeldOut = splitCorpus(real).heldOut;
  const realTrain = realTrainingExamples(real, REAL_DATA_WEIGHT, corpusTrain);
  const foldOf = (id: string) => Math.floor(unitHash(`fold:${id}`) * folds);
  const germEval = loadGermEval();
  const lines: string[] = [];
  lines.push(
    `Sentiment head only; ${folds}-fold CV on the training parts (written corpus train split + real train split, real weight ${REAL_DATA_WEIGHT}); then trained on all training parts and scored on the held-out parts${germEval ? ' and GermEval 2017 test_syn zero-shot' : ' (GermEval not found: its column is empty)'}. Cells: accuracy / macro-F1.`,
    '',
    '| language | variant | CV written | CV real | CV mean acc | held-out written | held-out real | GermEval test_syn |',
    '|---|---|---:|---:|---:|---:|---:|---:|',
  );
  const priorRows: string[] = [];
  for (const language of languages) {
    const all: Example[] = [
      ...corpusTrain.map((e) => ({ ...e, real: false })),
      ...realTrain.map((e) => ({ ...e, real: true })),
    ].filter((e) => e.language === language && e.sentiment !== undefined);
    const idfTexts = all.filter((e) => !e.real).map((e) => e.text);
    const written = corpusHeldOut.filter((e) => e.language === language && e.sentiment);
    const realTest = realHeldOut.filter((e) => e.language === language && e.sentiment);
    const gold = (examples: readonly { sentiment?: string }[]) =>
      examples.map((e) => SENTIMENTS.indexOf(e.sentiment as (typeof SENTIMENTS)[number]));
    for (const name of variantNames) {
      const change = LEXICON_VARIANTS[name];
      if (!change) throw new Error(`unknown variant ${name}; known: ${Object.keys(LEXICON_VARIANTS).join(', ')}`);
      // `lex`: each language's head reads its own lexicon, VADER for English, the project's own for German
      // (lexicon/de.ts); `cx` names the project's English one (lexicon/en-cx.ts) as it is.
      const features: FeatureOptions = {
        ...DEFAULT_FEATURES,
        ...change,
        ...(change.lexicon === 'en' ? { lexicon: language } : {}),
      };
      const predicted = new Array<number>(all.length);
      const oofProbs = new Array<Float64Array>(all.length);
      for (let k = 0; k < folds; k++) {
        const { trainAt, testAt, vectors, testVectors } = foldVectors(all, (e) => foldOf(e.id) === k, features);
        const head = trainHead(
          'sentiment',
          SENTIMENTS,
          labeledFor(
            'sentiment',
            trainAt.map((i) => all[i]!),
            vectors,
          ),
          features.bits,
          DEFAULT_HEAD_TRAINING.sentiment,
        );
        testAt.forEach((i, t) => {
          const p = predict(head, testVectors[t]!);
          oofProbs[i] = scoresOf(head, testVectors[t]!);
          predicted[i] = argmax(p);
        });
      }
      const part = (isReal: boolean) =>
        scoresOfPart(
          all,
          isReal,
          (i) => SENTIMENTS.indexOf(all[i]!.sentiment!),
          (i) => predicted[i]!,
        );
      const cvWritten = part(false);
      const cvReal = part(true);

      const { vectors, idf } = vectorizeWithIdfOf(
        all.map((e) => e.text),
        idfTexts,
        features,
      );
      const head = trainHead(
        'sentiment',
        SENTIMENTS,
        labeledFor('sentiment', all, vectors),
        features.bits,
        DEFAULT_HEAD_TRAINING.sentiment,
      );
      const run = (texts: readonly string[], shift: readonly number[] = [0, 0, 0]) =>
        vectorize(texts, features, idf).map((x) => {
          const s = scoresOf(head, x);
          for (let c = 0; c < 3; c++) s[c]! += shift[c]!;
          return argmax(softmaxInPlace(s));
        });
      const score = (texts: readonly string[], labels: readonly number[], shift?: readonly number[]) =>
        scores(labels, run(texts, shift), 3);
      const heldWritten = score(
        written.map((e) => e.text),
        gold(written),
      );
      const heldReal = score(
        realTest.map((e) => e.text),
        gold(realTest),
      );
      const ge =
        language === 'de' && germEval
          ? score(
              germEval.testSyn.map((d) => d.text),
              gold(germEval.testSyn),
            )
          : undefined;
      const row = `| ${language} | ${name} | ${cell(cvWritten)} | ${cell(cvReal)} | ${f3((cvWritten.accuracy + cvReal.accuracy) / 2)} | ${cell(heldWritten)} | ${cell(heldReal)} | ${ge ? cell(ge) : '-'} |`;
      progress(row);
      lines.push(row);
      if (language === 'de') {
        // Class prior: a shift of the neutral and positive log-odds chosen on the out-of-fold
        // scores of the training parts (never GermEval): the one with the best mean of written
        // and real out-of-fold accuracy.
        const grid = [-1, -0.5, -0.25, 0, 0.25, 0.5, 1];
        let best = { shift: [0, 0, 0], mean: -1 };
        for (const neutral of grid) {
          for (const positive of grid) {
            const shift = [0, neutral, positive];
            const shifted = (i: number) => {
              const s = oofProbs[i]!;
              return argmax([s[0]! + shift[0]!, s[1]! + shift[1]!, s[2]! + shift[2]!]);
            };
            const acc = (isReal: boolean) => {
              const at = all.flatMap((e, i) => (e.real === isReal ? [i] : []));
              return at.filter((i) => shifted(i) === SENTIMENTS.indexOf(all[i]!.sentiment!)).length / at.length;
            };
            const mean = (acc(false) + acc(true)) / 2;
            if (mean > best.mean + 1e-9) best = { shift, mean };
          }
        }
        const shiftedGe = germEval
          ? score(
              germEval.testSyn.map((d) => d.text),
              gold(germEval.testSyn),
              best.shift,
            )
          : undefined;
        const predictedShares = (shift: readonly number[]) => {
          if (!germEval) return '-';
          const p = run(
            germEval.testSyn.map((d) => d.text),
            shift,
          );
          return SENTIMENTS.map(
            (s, c) => `${s} ${((100 * p.filter((x) => x === c).length) / p.length).toFixed(0)}%`,
          ).join(', ');
        };
        priorRows.push(
          `| ${name} | neutral ${best.shift[1]}, positive ${best.shift[2]} | ${f3(best.mean)} | ${cell(
            score(
              written.map((e) => e.text),
              gold(written),
              best.shift,
            ),
          )} | ${cell(
            score(
              realTest.map((e) => e.text),
              gold(realTest),
              best.shift,
            ),
          )} | ${shiftedGe ? cell(shiftedGe) : '-'} | ${predictedShares([0, 0, 0])} | ${predictedShares(best.shift)} |`,
        );
      }
    }
  }
  if (priorRows.length > 0) {
    const geShares = germEval
      ? SENTIMENTS.map(
          (s) =>
            `${s} ${((100 * germEval.testSyn.filter((d) => d.sentiment === s).length) / germEval.testSyn.length).toFixed(0)}%`,
        ).join(', ')
      : '-';
    lines.push(
      '',
      `German class prior: log-odds shift chosen on the out-of-fold scores of the training parts (grid -1..1), never on GermEval. GermEval test_syn's own mix: ${geShares}.`,
      '',
      '| variant | chosen shift | CV mean acc with it | held-out written | held-out real | GermEval test_syn | GermEval predicted mix, no shift | with shift |',
      '|---|---|---:|---:|---:|---:|---|---|',
      ...priorRows,
    );
  }
  return lines.join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`)
  runVariantBench('bench:lexicon', Object.keys(LEXICON_VARIANTS), lexiconSection);
