/**
 * `backchannel classify`: the company's classifier on your own texts, offline. One JSON line
 * out per text in, with what the pipeline would decide and why; bad lines are reported on
 * stderr with their line number and skipped.
 */
import { createReadStream, existsSync, statSync } from 'node:fs';
import type { Writable } from 'node:stream';
import { once } from 'node:events';
import type { Classification } from '../../shared/domain/classification.ts';
import { localModelDir } from './models.ts';
import { DEFAULT_COMPANY, UsageError, helpShown, loadConfig, noPositionals, parse, type Command } from './shared.ts';
import {
  formatOfFile,
  INPUT_FORMATS,
  MissingColumnError,
  readTextRecords,
  type InputFormat,
  type TextInput,
} from './text-records.ts';

/** Progress on stderr every this many texts, when the input is large or stderr a terminal. */
const PROGRESS_EVERY_LINES = 10_000;
const PROGRESS_MIN_MS = 2_000;
/** From this size an input file counts as large (progress even when stderr is not a terminal). */
const LARGE_FILE_BYTES = 1024 * 1024;
/** Output lines written at once. */
const WRITE_BATCH = 256;

const CLASSIFY_USAGE = `Usage: backchannel classify [--company <id>] [--input <file.jsonl|file.csv>] [--format jsonl|csv]

Classifies texts with the company's classifier (its models, keyword rules and brand terms;
offline: the cloud classifier is not asked) and prints one JSON line per text: language,
relevant and relevance, sentiment, category, urgency, confidence, the model, and the
reasons (per decision: how sure, and the words that weighed most).

Input, from --input or else stdin:
  JSON Lines  one object per line: {"text": "...", "id": "...", "language": "de",
              "platform": "x", "author": {"followers": 12000}}; only "text" is required,
              "id" is copied to the output line
  CSV         a header row with a "text" column (and optionally id, language, platform,
              followers); quoted fields may hold commas, quotes ("") and line breaks
A file ending in .csv is read as CSV, any other as JSON Lines; --format says it for stdin.
A line that cannot be read (not JSON, no text, an empty text, an unknown platform) is
reported on stderr with its line number and skipped. For large inputs a progress line goes
to stderr every ${PROGRESS_EVERY_LINES.toLocaleString('en')} texts (and at most every 2 seconds).

Exit codes: 0 every line classified, 1 some lines skipped (or none could be read),
2 usage error (an unknown option, a missing file, a CSV without a "text" column).

Options:
  --company <id>    company config companies/<id>.yaml (default: ${DEFAULT_COMPANY})
  --input <file>    the texts (default: stdin)
  --format <f>      jsonl or csv (default: from the file name; jsonl for stdin)
  -h, --help        show this help

Example:
  echo '{"text": "Mein Rad ist kaputt, niemand antwortet"}' | backchannel classify`;

/** One output line. */
export interface ClassifiedLine {
  readonly line: number;
  readonly id?: string;
  readonly language: string;
  readonly relevant: boolean;
  readonly relevance?: number;
  readonly sentiment: string;
  readonly category: string;
  readonly urgency: number;
  readonly confidence: number;
  readonly model: string;
  readonly reasons: readonly string[];
}

/** The output line of a classified text. */
export function classifiedLine(
  line: number,
  input: TextInput,
  result: Classification,
  reasons: readonly string[],
): ClassifiedLine {
  return {
    line,
    ...(input.id !== undefined ? { id: input.id } : {}),
    language: result.language,
    relevant: result.relevant,
    ...(result.relevance !== undefined ? { relevance: result.relevance } : {}),
    sentiment: result.sentiment,
    category: result.category,
    urgency: result.urgency,
    confidence: result.confidence,
    model: result.model,
    reasons,
  };
}

async function classifyRun(args: string[]): Promise<number> {
  const { values, positionals } = parse(
    args,
    { company: { type: 'string' }, input: { type: 'string' }, format: { type: 'string' } },
    'classify',
  );
  if (helpShown(values, CLASSIFY_USAGE)) return 0;
  noPositionals(positionals, 'classify');
  if (values.format !== undefined && !(INPUT_FORMATS as readonly string[]).includes(values.format)) {
    throw new UsageError(`--format takes ${INPUT_FORMATS.join(' or ')}, got "${values.format}"`, 'classify');
  }
  if (values.input !== undefined && (!existsSync(values.input) || !statSync(values.input).isFile())) {
    throw new UsageError(`--input ${values.input}: no such file`, 'classify');
  }
  const format: InputFormat =
    (values.format as InputFormat | undefined) ?? (values.input ? formatOfFile(values.input) : 'jsonl');
  const config = await loadConfig(values.company ?? DEFAULT_COMPANY);
  const { localClassifierFor } = await import('../../shared/classifier/index.ts');
  const { classifierReasonsOf } = await import('../../shared/domain/classifier-reasons.ts');
  // The company's promoted model from its local data directory (`backchannel train`), as
  // classify-mention loads it at cold start; the shipped models when none is promoted.
  const { fileModelStore } = await import('../../shared/adapters/models/index.ts');
  const { loadPromotedModels } = await import('../../shared/classifier/company-model.ts');
  const { classifierLanguagesOf } = await import('../../shared/config/schema.ts');
  const promoted = await loadPromotedModels(fileModelStore(await localModelDir(config)));
  if (promoted.error) process.stderr.write(`${promoted.error.message}; the shipped models classify.\n`);
  else if (promoted.models) process.stderr.write(`Classifying with the company model ${promoted.version}.\n`);
  const classifier = localClassifierFor({
    classifier: config.classifier,
    brandTerms: [...config.keywords.brand, ...config.keywords.products],
    languages: classifierLanguagesOf(config),
    ...(promoted.models ? { models: promoted.models } : {}),
  });
  // eld names languages other than the company's; load it before the first text, so every line gets its answer.
  await classifier.loadLanguageDetector();

  const input = values.input ? createReadStream(values.input) : process.stdin;
  if (!values.input && process.stdin.isTTY)
    process.stderr.write('Reading texts from stdin, one JSON object per line (end with Ctrl+D).\n');
  const large = values.input !== undefined && statSync(values.input).size >= LARGE_FILE_BYTES;
  const progress = new Progress(process.stderr, large || process.stderr.isTTY === true);
  const out = new LineWriter(process.stdout);
  let ok = 0;
  let skipped = 0;
  try {
    for await (const record of readTextRecords(input, format)) {
      if ('error' in record) {
        skipped++;
        process.stderr.write(`line ${record.line}: skipped: ${record.error}\n`);
      } else {
        const result = classifier.classify({
          text: record.input.text,
          ...(record.input.language ? { language: record.input.language } : {}),
          ...(record.input.platform ? { platform: record.input.platform } : {}),
          ...(record.input.author ? { author: record.input.author } : {}),
        });
        await out.write(JSON.stringify(classifiedLine(record.line, record.input, result, classifierReasonsOf(result))));
        ok++;
      }
      progress.tick(ok, skipped);
    }
  } catch (error) {
    if (error instanceof MissingColumnError)
      throw new UsageError(`${values.input ?? 'stdin'}: ${error.message}`, 'classify');
    throw error;
  } finally {
    await out.flush();
  }
  progress.done(ok, skipped);
  return skipped > 0 || ok === 0 ? 1 : 0;
}

/** Writes lines in batches, waiting when the reader is slower (a pipe into `head`, a file). */
class LineWriter {
  private lines: string[] = [];
  constructor(private readonly stream: Writable) {}

  async write(line: string): Promise<void> {
    this.lines.push(line);
    if (this.lines.length >= WRITE_BATCH) await this.flush();
  }

  async flush(): Promise<void> {
    if (this.lines.length === 0) return;
    const text = `${this.lines.join('\n')}\n`;
    this.lines = [];
    if (!this.stream.write(text)) await once(this.stream, 'drain');
  }
}

/** The progress line on stderr: every PROGRESS_EVERY_LINES texts, at most every PROGRESS_MIN_MS. */
class Progress {
  private readonly started = Date.now();
  private last = Date.now();
  private shown = false;

  constructor(
    private readonly stream: Writable,
    private readonly enabled: boolean,
  ) {}

  tick(ok: number, skipped: number): void {
    if (!this.enabled || (ok + skipped) % PROGRESS_EVERY_LINES !== 0) return;
    const now = Date.now();
    if (now - this.last < PROGRESS_MIN_MS) return;
    this.last = now;
    this.shown = true;
    this.stream.write(`${this.line(ok, skipped, now)}\n`);
  }

  done(ok: number, skipped: number): void {
    if (this.shown || skipped > 0) this.stream.write(`${this.line(ok, skipped, Date.now())}, done\n`);
  }

  private line(ok: number, skipped: number, now: number): string {
    const seconds = Math.max(0.001, (now - this.started) / 1000);
    return `classified ${ok} text(s), skipped ${skipped} line(s), ${Math.round((ok + skipped) / seconds)}/s`;
  }
}

export const classifyCommand: Command = {
  summary: 'classify your own texts (JSON Lines or CSV) with the company model',
  usage: CLASSIFY_USAGE,
  run: classifyRun,
};
