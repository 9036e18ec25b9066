import { describe, expect, it } from 'vitest';
import {
  CsvParser,
  CsvTextReader,
  formatOfFile,
  jsonRecord,
  MissingColumnError,
  readTextRecords,
  type TextRecord,
} from '../../../bin/commands/text-records.ts';

/** All rows of a CSV text fed in chunks of `size` characters. */
function csvRows(text: string, size = text.length) {
  const parser = new CsvParser();
  const rows: unknown[] = [];
  for (let i = 0; i < text.length; i += size) rows.push(...parser.push(text.slice(i, i + size)));
  const last = parser.end();
  if (last) rows.push(last);
  return rows;
}

async function records(chunks: (string | Uint8Array)[], format: 'jsonl' | 'csv'): Promise<TextRecord[]> {
  async function* stream() {
    yield* chunks;
  }
  const out: TextRecord[] = [];
  for await (const r of readTextRecords(stream(), format)) out.push(r);
  return out;
}

const QUOTED =
  'id,text,platform\r\n1,"Kaputt, und keiner ""hilft""",x\r\n2,"Zeile eins\r\nZeile zwei",facebook\n\n3,plain text,\n';

describe('CsvParser', () => {
  it('reads quoted fields with commas, doubled quotes and line breaks, each row with the line it starts on', () => {
    // Act
    const rows = csvRows(QUOTED);

    // Assess
    expect(rows).toEqual([
      { line: 1, fields: ['id', 'text', 'platform'] },
      { line: 2, fields: ['1', 'Kaputt, und keiner "hilft"', 'x'] },
      { line: 3, fields: ['2', 'Zeile eins\r\nZeile zwei', 'facebook'] },
      { line: 6, fields: ['3', 'plain text', ''] },
    ]);
  });

  it('reads the same rows whatever the chunks, one character at a time too', () => {
    // Act
    const byChar = csvRows(QUOTED, 1);
    const byThree = csvRows(QUOTED, 3);

    // Assess
    expect(byChar).toEqual(csvRows(QUOTED));
    expect(byThree).toEqual(csvRows(QUOTED));
  });

  it('drops a byte order mark and reads a last row without a line break', () => {
    // Act
    const rows = csvRows('\uFEFFtext\n"last ""one"""');

    // Assess
    expect(rows).toEqual([
      { line: 1, fields: ['text'] },
      { line: 2, fields: ['last "one"'] },
    ]);
  });

  it('reports a quoted field that never closes with the line it opened on', () => {
    // Act
    const rows = csvRows('text\nfine\n"open field\nstill open\n');

    // Assess
    expect(rows).toEqual([
      { line: 1, fields: ['text'] },
      { line: 2, fields: ['fine'] },
      { line: 3, error: 'a quoted field opened on line 3 never closes' },
    ]);
  });

  it('keeps an empty quoted field as a row', () => {
    // Act
    const rows = csvRows('text\n""\n');

    // Assess
    expect(rows).toEqual([
      { line: 1, fields: ['text'] },
      { line: 2, fields: [''] },
    ]);
  });
});

describe('CsvTextReader', () => {
  it('refuses a header without a text column, naming the columns it has', () => {
    // Arrange
    const reader = new CsvTextReader();

    // Act
    const act = () => reader.record({ line: 1, fields: ['id', 'message'] });

    // Assess
    expect(act).toThrow(MissingColumnError);
    expect(act).toThrow('the CSV header (line 1) has no "text" column; its columns: id, message');
  });

  it('reads text, id, language, platform and followers by header name, in any order and case', () => {
    // Arrange
    const reader = new CsvTextReader();
    reader.record({ line: 1, fields: ['Followers', 'TEXT', 'language', 'platform', 'id', 'ignored'] });

    // Act
    const record = reader.record({ line: 2, fields: ['12000', 'Hallo', 'de', 'x', 'a1', 'zzz'] });

    // Assess
    expect(record).toEqual({
      line: 2,
      input: { text: 'Hallo', id: 'a1', language: 'de', platform: 'x', author: { followers: 12000 } },
    });
  });

  it('skips a row too short to have the text column, and a row with a bad follower count', () => {
    // Arrange
    const reader = new CsvTextReader();
    reader.record({ line: 1, fields: ['id', 'followers', 'text'] });

    // Act
    const short = reader.record({ line: 2, fields: ['1'] });
    const bad = reader.record({ line: 3, fields: ['2', 'many', 'Hallo'] });

    // Assess
    expect(short).toEqual({ line: 2, error: '1 field(s), the "text" column is field 3' });
    expect(bad).toMatchObject({ line: 3, error: expect.stringContaining('author.followers') });
  });
});

describe('jsonRecord', () => {
  it.each([
    ['not json', 'not JSON'],
    ['[1,2]', 'not a JSON object with a "text" field'],
    ['{"id": 1}', 'needs a "text" string'],
    ['{"text": "   "}', 'text is empty: nothing to classify'],
    ['{"text": "hi", "platform": "myspace"}', 'platform must be one of'],
    ['{"text": "hi", "author": {"followers": -1}}', 'author.followers'],
  ])('skips %s: %s', (line, message) => {
    // Act
    const record = jsonRecord(line, 4);

    // Assess
    expect(record).toMatchObject({ line: 4, error: expect.stringContaining(message) });
  });

  it('reads text with the optional fields, a numeric id as a string', () => {
    // Act
    const record = jsonRecord(
      '{"text": "Hallo", "id": 7, "language": "de", "platform": "x", "author": {"followers": 3}, "extra": true}',
      1,
    );

    // Assess
    expect(record).toEqual({
      line: 1,
      input: { text: 'Hallo', id: '7', language: 'de', platform: 'x', author: { followers: 3 } },
    });
  });
});

describe('readTextRecords', () => {
  it('numbers JSON Lines by line, blank lines included, and decodes a character split between chunks', async () => {
    // Arrange: "ü" is two bytes, split between the chunks
    const bytes = new TextEncoder().encode('{"text": "a"}\n\n{"text": "Grüße"}\r\n{"text": "last"}');
    const at = bytes.indexOf(0xc3) + 1;

    // Act
    const read = await records([bytes.slice(0, at), bytes.slice(at)], 'jsonl');

    // Assess
    expect(read).toEqual([
      { line: 1, input: { text: 'a' } },
      { line: 3, input: { text: 'Grüße' } },
      { line: 4, input: { text: 'last' } },
    ]);
  });

  it('reads CSV records with their starting lines and reports the bad ones', async () => {
    // Act
    const read = await records([QUOTED.slice(0, 20), QUOTED.slice(20), '4,,x\n'], 'csv');

    // Assess
    expect(read).toEqual([
      { line: 2, input: { id: '1', text: 'Kaputt, und keiner "hilft"', platform: 'x' } },
      { line: 3, input: { id: '2', text: 'Zeile eins\r\nZeile zwei', platform: 'facebook' } },
      { line: 6, input: { id: '3', text: 'plain text' } },
      { line: 7, error: 'text is empty: nothing to classify' },
    ]);
  });
});

describe('formatOfFile', () => {
  it('reads .csv as CSV and anything else as JSON Lines', () => {
    expect([formatOfFile('a.CSV'), formatOfFile('a.jsonl'), formatOfFile('texts.txt')]).toEqual([
      'csv',
      'jsonl',
      'jsonl',
    ]);
  });
});
