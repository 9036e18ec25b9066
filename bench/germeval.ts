import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { SENTIMENTS, type Sentiment } from '../shared/domain/mention.ts';

/**
 * GermEval 2017 (Deutsche Bahn customer feedback, CC BY-NC 4.0): read for measuring only.
 * Nothing here is ever used to train a shipped model.
 */

export interface GermEvalDocument {
  readonly id: string;
  readonly text: string;
  readonly relevant: boolean;
  readonly sentiment: Sentiment;
}

/** `../shared/data/germeval2017` beside the repository; GERMEVAL_DIR points elsewhere (a git worktree, a CI cache). */
export const GERMEVAL_DIR = process.env.GERMEVAL_DIR
  ? path.resolve(process.env.GERMEVAL_DIR)
  : path.resolve(import.meta.dirname, '../../shared/data/germeval2017');
export const GERMEVAL_FILES = { dev: 'dev-2017-09-15.xml', testSyn: 'test_syn-2017-09-15.xml' } as const;

/** The dev and test_syn documents, or undefined when the data is not on this machine. */
export function loadGermEval(dir = GERMEVAL_DIR): { dev: GermEvalDocument[]; testSyn: GermEvalDocument[] } | undefined {
  const dev = path.join(dir, GERMEVAL_FILES.dev);
  const testSyn = path.join(dir, GERMEVAL_FILES.testSyn);
  if (!existsSync(dev) || !existsSync(testSyn)) return undefined;
  return { dev: parseGermEval(readFileSync(dev, 'utf8')), testSyn: parseGermEval(readFileSync(testSyn, 'utf8')) };
}

/** Parses the GermEval XML (`<Documents><Document id><relevance/><sentiment/><text/>`). */
export function parseGermEval(xml: string): GermEvalDocument[] {
  const parser = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '',
    parseTagValue: false,
    isArray: (name) => name === 'Document',
  });
  const parsed = parser.parse(xml) as { Documents?: { Document?: Record<string, unknown>[] } };
  return (parsed.Documents?.Document ?? []).map((d, i) => {
    const sentiment = String(d.sentiment ?? 'neutral') as Sentiment;
    return {
      id: String(d.id ?? i),
      text: typeof d.text === 'string' ? d.text : String(d.text ?? ''),
      relevant: String(d.relevance) === 'true',
      sentiment: SENTIMENTS.includes(sentiment) ? sentiment : 'neutral',
    };
  });
}
