import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { tokenize } from '../../../shared/classifier/normalize.ts';

// The hand-written scanner must give exactly the tokens of the regex it replaced.
const TOKEN = /[\p{L}\p{N}]+|\p{Extended_Pictographic}/gu;

describe('tokenize', () => {
  it('splits like the letter/digit/emoji regex on any string, surrogate pairs and lone surrogates included', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ unit: 'grapheme', maxLength: 200 }),
          fc.string({ unit: 'binary', maxLength: 200 }),
          fc.string({ maxLength: 200 }),
        ),
        (text) => {
          const tokens = tokenize(text);

          expect(tokens).toEqual(text.match(TOKEN) ?? []);
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('keeps words of any script whole and every emoji on its own', () => {
    const text = 'strasse 0 😍😍 Ελλάδα 𝐀bc #tag';

    const tokens = tokenize(text);

    expect(tokens).toEqual(['strasse', '0', '😍', '😍', 'Ελλάδα', '𝐀bc', 'tag']);
  });
});
