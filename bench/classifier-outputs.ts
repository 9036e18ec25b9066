/**
 * Every classifier result over the whole corpus, the real texts and the speed benchmark's texts
 * (280 and 2,000 characters), one JSON line each, so that a hot-path change can be checked to
 * change nothing: run it before and after and compare the files (`cmp`). eld is loaded first,
 * so no text's language depends on timing. `root` classifies with another checkout's code
 * (the texts always come from this one).
 *
 *   npx tsx bench/classifier-outputs.ts <out.jsonl> [root of another checkout]
 */
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { corpusFiles } from '../shared/classifier/build-models.ts';
import { readCorpus } from '../shared/classifier/corpus.ts';
import { readRealData } from '../shared/classifier/real-data.ts';
import { speedTexts } from './classifier.ts';

const out = process.argv[2];
if (!out) throw new Error('usage: classifier-outputs.ts <out.jsonl> [root]');
const root = path.resolve(process.argv[3] ?? path.join(import.meta.dirname, '..'));
const { NgramClassifier } = (await import(
  pathToFileURL(path.join(root, 'shared/classifier/ngram-classifier.ts')).href
)) as typeof import('../shared/classifier/ngram-classifier.ts');

const classifier = new NgramClassifier();
await classifier.loadLanguageDetector();
const corpus = readCorpus(corpusFiles()).map((e) => e.text);
const real = readRealData().map((e) => e.text);
const texts = [...corpus, ...real, ...speedTexts(280), ...speedTexts(2000)];
const lines = texts.map((text) => JSON.stringify(classifier.classify({ text })));
const body = `${lines.join('\n')}\n`;
writeFileSync(out, body);
console.log(
  `${texts.length} texts (corpus ${corpus.length}, real ${real.length}, speed 800) from ${root}: sha256 ${createHash('sha256').update(body).digest('hex').slice(0, 16)}`,
);
