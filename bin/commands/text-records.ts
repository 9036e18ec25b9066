/**
 * The texts `backchannel classify` reads: JSON Lines (one object with a `text` field per
 * line) or CSV with a `text` column (RFC 4180: quoted fields, `""` for a quote inside one,
 * commas and line breaks inside quotes). Both are read as a stream, record by record, so a
 * large file never sits in memory; every record knows the line it starts on, and a bad one
 * is an error record with that line, never the end of the reading.
 */
import { z } from 'zod';
import type { Platform } from '../../shared/domain/mention.ts';
import { MENTION_PLATFORMS } from '../../shared/platforms/registry.ts';

/** One text to classify, with what the classifier also reads where given. */
export interface TextInput {
  readonly text: string;
  /** Passed through to the output line, to join results back to the input. */
  readonly id?: string;
  /** A language hint (the platform's, the account's). */
  readonly language?: string;
  readonly platform?: Platform;
  readonly author?: { readonly followers?: number };
}

/** A record of the input: a text, or why the record at `line` was skipped. */
export type TextRecord =
  | { readonly line: number; readonly input: TextInput }
  | { readonly line: number; readonly error: string };

export const INPUT_FORMATS = ['jsonl', 'csv'] as const;
export type InputFormat = (typeof INPUT_FORMATS)[number];

/** The format of an input file by its extension: `.csv` is CSV, anything else JSON Lines. */
export function formatOfFile(file: string): InputFormat {
  return /\.csv$/i.test(file) ? 'csv' : 'jsonl';
}

const TextInputSchema = z.object({
  text: z
    .string({ error: 'needs a "text" string' })
    .refine((t) => t.trim().length > 0, 'text is empty: nothing to classify'),
  id: z.union([z.string(), z.number()]).transform(String).optional(),
  language: z.string().min(1).optional(),
  platform: z.enum(MENTION_PLATFORMS, { error: `platform must be one of ${MENTION_PLATFORMS.join(', ')}` }).optional(),
  author: z.object({ followers: z.number().int().min(0).optional() }).optional(),
});

/** Reads one JSON Lines record; blank lines are no record. */
export function jsonRecord(line: string, lineNumber: number): TextRecord | undefined {
  if (line.trim() === '') return undefined;
  let json: unknown;
  try {
    json = JSON.parse(line);
  } catch (error) {
    return { line: lineNumber, error: `not JSON (${(error as Error).message})` };
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json))
    return { line: lineNumber, error: 'not a JSON object with a "text" field' };
  return validated(json, lineNumber);
}

function validated(value: unknown, line: number): TextRecord {
  const parsed = TextInputSchema.safeParse(value);
  if (!parsed.success) {
    return {
      line,
      error: parsed.error.issues
        .map((i) =>
          i.path.length > 0 && !i.message.includes(String(i.path[0])) ? `${i.path.join('.')}: ${i.message}` : i.message,
        )
        .join('; '),
    };
  }
  const { text, id, language, platform, author } = parsed.data;
  return {
    line,
    input: {
      text,
      ...(id !== undefined ? { id } : {}),
      ...(language ? { language } : {}),
      ...(platform ? { platform } : {}),
      ...(author ? { author } : {}),
    },
  };
}

/** A CSV record: its fields, and the line it starts on. */
export interface CsvRow {
  readonly line: number;
  readonly fields: readonly string[];
}

/**
 * A streaming CSV parser (RFC 4180, comma-separated): feed it chunks, take the complete
 * rows. Lines end with LF or CRLF, also inside quoted fields (where they stay as written);
 * blank lines are skipped; a UTF-8 byte order mark at the start is dropped. Lenient where the
 * RFC is strict and the meaning is plain: a quote inside an unquoted field is kept as a
 * character, text after a closing quote is appended to the field.
 */
export class CsvParser {
  private field = '';
  private fields: string[] = [];
  private quoted = false;
  /** Inside a quoted field. */
  private inQuotes = false;
  /** A quote seen inside a quoted field: it closes the field, or doubles as a literal quote. */
  private quotePending = false;
  /** The previous chunk ended with a CR (its LF may start the next one). */
  private crPending = false;
  private line = 1;
  private rowLine = 1;
  private started = false;
  /** A field of the current row was quoted: `""` alone is a row, not a blank line. */
  private quotedRow = false;

  /** The rows that the chunk completes. */
  push(chunk: string): CsvRow[] {
    const rows: CsvRow[] = [];
    let text = chunk;
    if (!this.started) {
      this.started = true;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    for (let i = 0; i < text.length; i++) {
      const ch = text[i]!;
      if (this.crPending) {
        this.crPending = false;
        if (ch === '\n') {
          // The CRLF's line break was counted at the CR.
          if (this.inQuotes && !this.quotePending) this.field += '\n';
          continue;
        }
      }
      if (this.inQuotes) {
        if (this.quotePending) {
          this.quotePending = false;
          if (ch === '"') {
            this.field += '"';
            continue;
          }
          this.inQuotes = false;
          // The field closed: this character is read as outside quotes, below.
        } else if (ch === '"') {
          this.quotePending = true;
          continue;
        } else {
          if (ch === '\n' || ch === '\r') {
            this.line++;
            if (ch === '\r') this.crPending = true;
          }
          this.field += ch;
          continue;
        }
      }
      if (ch === ',') {
        this.endField();
      } else if (ch === '\n' || ch === '\r') {
        if (ch === '\r') this.crPending = true;
        const row = this.endRow();
        if (row) rows.push(row);
        this.line++;
        this.rowLine = this.line;
      } else if (ch === '"' && this.field === '' && !this.quoted) {
        this.inQuotes = true;
        this.quoted = true;
        this.quotedRow = true;
      } else {
        this.field += ch;
      }
    }
    return rows;
  }

  /**
   * The last row at the end of the input.
   * @returns the row, an error for a quoted field that never closed, or nothing
   */
  end(): CsvRow | { readonly line: number; readonly error: string } | undefined {
    if (this.inQuotes && !this.quotePending) {
      const line = this.rowLine;
      this.reset();
      return { line, error: `a quoted field opened on line ${line} never closes` };
    }
    this.inQuotes = false;
    this.quotePending = false;
    return this.endRow();
  }

  private endField(): void {
    this.fields.push(this.field);
    this.field = '';
    this.quoted = false;
  }

  private endRow(): CsvRow | undefined {
    this.endField();
    const fields = this.fields;
    this.fields = [];
    const blank = fields.length === 1 && fields[0] === '' && !this.quotedRow;
    this.quotedRow = false;
    return blank ? undefined : { line: this.rowLine, fields };
  }

  private reset(): void {
    this.field = '';
    this.fields = [];
    this.quoted = false;
    this.quotedRow = false;
    this.inQuotes = false;
    this.quotePending = false;
  }
}

/** Thrown when a CSV input has no `text` column: nothing in it can be read. */
export class MissingColumnError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MissingColumnError';
  }
}

/** The columns a CSV input may have besides `text` (case-insensitive). */
const CSV_COLUMNS = ['text', 'id', 'language', 'platform', 'followers'] as const;

/**
 * Turns CSV rows into text records: the first row names the columns (`text` required;
 * `id`, `language`, `platform`, `followers` read when present, others ignored).
 */
export class CsvTextReader {
  private columns: Partial<Record<(typeof CSV_COLUMNS)[number], number>> | undefined;

  /**
   * @throws MissingColumnError when the header has no `text` column
   */
  record(row: CsvRow): TextRecord | undefined {
    if (!this.columns) {
      const names = row.fields.map((f) => f.trim().toLowerCase());
      const columns: Partial<Record<(typeof CSV_COLUMNS)[number], number>> = {};
      for (const name of CSV_COLUMNS) if (names.includes(name)) columns[name] = names.indexOf(name);
      if (columns.text === undefined)
        throw new MissingColumnError(
          `the CSV header (line ${row.line}) has no "text" column; its columns: ${row.fields.join(', ') || '(none)'}`,
        );
      this.columns = columns;
      return undefined;
    }
    const at = (name: (typeof CSV_COLUMNS)[number]) => {
      const index = this.columns![name];
      return index === undefined ? undefined : row.fields[index];
    };
    const text = at('text');
    if (text === undefined)
      return {
        line: row.line,
        error: `${row.fields.length} field(s), the "text" column is field ${this.columns.text! + 1}`,
      };
    const followers = at('followers');
    const value: Record<string, unknown> = { text };
    const id = at('id');
    if (id) value.id = id;
    const language = at('language');
    if (language) value.language = language;
    const platform = at('platform');
    if (platform) value.platform = platform;
    if (followers) value.author = { followers: /^\d+$/.test(followers.trim()) ? Number(followers.trim()) : followers };
    return validated(value, row.line);
  }
}

/**
 * The records of an input stream, in order.
 * @throws MissingColumnError for a CSV without a `text` column
 */
export async function* readTextRecords(
  input: AsyncIterable<string | Uint8Array>,
  format: InputFormat,
): AsyncGenerator<TextRecord> {
  // Bytes are decoded as a stream: a character split between two chunks stays whole.
  const decoder = new TextDecoder('utf-8');
  const text = (chunk: string | Uint8Array) =>
    typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
  if (format === 'csv') {
    const parser = new CsvParser();
    const reader = new CsvTextReader();
    for await (const chunk of input) {
      for (const row of parser.push(text(chunk))) {
        const record = reader.record(row);
        if (record) yield record;
      }
    }
    for (const row of parser.push(decoder.decode())) {
      const record = reader.record(row);
      if (record) yield record;
    }
    const last = parser.end();
    if (last && 'error' in last) yield last;
    else if (last) {
      const record = reader.record(last);
      if (record) yield record;
    }
    return;
  }
  let rest = '';
  let line = 0;
  for await (const chunk of input) {
    rest += text(chunk);
    let start = 0;
    for (let at = rest.indexOf('\n', start); at >= 0; at = rest.indexOf('\n', start)) {
      line++;
      const record = jsonRecord(rest.slice(start, at).replace(/\r$/, ''), line);
      start = at + 1;
      if (record) yield record;
    }
    rest = rest.slice(start);
  }
  rest += decoder.decode();
  if (rest.length > 0) {
    const record = jsonRecord(rest.replace(/\r$/, ''), line + 1);
    if (record) yield record;
  }
}
