import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { genericBodyJsonSchema } from '../../../shared/platforms/generic-schema.ts';
import { GENERIC_SCHEMA_FILE } from '../../../shared/platforms/write-generic-schema.ts';

describe('docs/generic-mention.schema.json', () => {
  it('is the JSON Schema generated from the zod schema (run `npx tsx shared/platforms/write-generic-schema.ts` when this fails)', () => {
    // Arrange
    const shipped = readFileSync(GENERIC_SCHEMA_FILE, 'utf8');

    // Act
    const generated = genericBodyJsonSchema();

    // Assess
    expect(shipped).toBe(generated);
  });

  it('requires id, author, text and createdAt of each mention', () => {
    // Act
    const schema = JSON.parse(genericBodyJsonSchema()) as { anyOf: [{ required: string[] }] };

    // Assess
    expect(schema.anyOf[0].required).toEqual(expect.arrayContaining(['id', 'author', 'text', 'createdAt']));
  });
});
