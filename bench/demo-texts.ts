import path from 'node:path';
import { readCorpus } from '../shared/classifier/corpus.ts';

const CORPUS_DIR = path.resolve(import.meta.dirname, '../shared/classifier/corpus');

/**
 * Texts of the German corpus (the demo company writes German) that the benches send as
 * mentions: its complaints, questions, leads, ideas, ...; those of one category only when given.
 */
export function demoCorpusTexts(category?: string): string[] {
  return readCorpus(['de-a.jsonl', 'de-b.jsonl'].map((file) => path.join(CORPUS_DIR, file)))
    .filter((e) => category === undefined || e.category === category)
    .map((e) => e.text);
}
