import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { configJsonSchema, referenceRows, replaceBetween, SCHEMA_FILE, staleDocs } from '../../../bin/generate-docs.ts';

describe('docs generated from the config schema', () => {
  it('are up to date (run `npx tsx bin/generate-docs.ts` when this fails)', async () => {
    expect(await staleDocs()).toEqual([]);
  });

  it('ship a JSON Schema that an editor can use for the rule language', () => {
    const schema = JSON.parse(readFileSync(new URL(`../../../${SCHEMA_FILE}`, import.meta.url), 'utf8')) as Record<
      string,
      unknown
    >;

    expect(schema).toMatchObject({
      title: 'Backchannel company config',
      type: 'object',
      required: expect.arrayContaining(['company', 'departments', 'routing']),
    });
    expect(JSON.stringify(schema)).toContain('"keyAccounts"');
    expect((schema.$defs as Record<string, unknown>).Condition).toBeDefined();
  });

  it('document every setting of a rule with its type and meaning', () => {
    const rows = new Map(referenceRows(configJsonSchema()).map((r) => [r[0], r]));

    expect(rows.get('`routing.rules[].then.cc`')).toEqual([
      '`routing.rules[].then.cc`',
      'string, or a list',
      '',
      'departments that receive a copy',
    ]);
    expect(rows.get('`departments[].sla.high`')?.[2]).toBe('yes');
    expect(rows.has('`routing.rules[].when.not`')).toBe(true);
  });

  it('refuses to write into a README without the markers', () => {
    expect(() => replaceBetween('# README\n', ['<!-- a -->', '<!-- b -->'], 'x')).toThrow(
      'docs/configuration.md needs the markers <!-- a --> and <!-- b -->',
    );
  });
});
