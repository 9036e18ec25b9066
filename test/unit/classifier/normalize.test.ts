import { describe, expect, it } from 'vitest';
import { MAX_TEXT_CHARS, normalizeText } from '../../../shared/classifier/normalize.ts';

describe('normalizeText', () => {
  it('replaces URLs and @handles with markers and counts them', () => {
    const result = normalizeText('@Radwerk_Hilfe schaut mal https://example.com/a?b=1 und www.test.de');

    expect(result.tokens).toEqual(['xuser', 'schaut', 'mal', 'xurl', 'und', 'xurl']);
    expect(result.signals).toMatchObject({ urls: 2, handles: 1 });
  });

  it('keeps the word of a hashtag and marks it as one', () => {
    expect(normalizeText('Wieder kaputt #fail').tokens).toEqual(['wieder', 'kaputt', 'xtag', 'fail']);
  });

  it('folds umlauts and ß so both spellings meet', () => {
    expect(normalizeText('Müll, Straße, GRÖßE').tokens).toEqual(normalizeText('Muell, Strasse, GROESSE').tokens);
  });

  it('shortens letters repeated three or more times to two', () => {
    expect(normalizeText('Suuuuper!!! sooo gut').tokens).toEqual(['suuper', 'soo', 'gut', 'xbang']);
  });

  it('keeps emojis as tokens and counts them', () => {
    const result = normalizeText('Danke❤️😍');

    expect(result.tokens).toEqual(['danke', '❤', '😍']);
    expect(result.signals.emojis).toBe(2);
  });

  it('measures shouting: capital words and runs of "!"', () => {
    const result = normalizeText('NIE WIEDER bei euch!!! Nie!!');

    expect(result.signals).toMatchObject({ capsWords: 2, exclamationRuns: 2 });
  });

  it('replaces unpaired surrogates instead of failing on invalid UTF-16', () => {
    const result = normalizeText('kaputt \uD800 und \uDFFF ok');

    expect(result.tokens).toEqual(['kaputt', 'und', 'ok']);
    expect(result.text).not.toMatch(/[\uD800-\uDFFF](?![\uDC00-\uDFFF])/);
  });

  it('reads at most MAX_TEXT_CHARS characters and says so', () => {
    const result = normalizeText('a'.repeat(100_000));

    expect(result.signals).toMatchObject({ truncated: true, length: 100_000 });
    expect(result.text.length).toBeLessThanOrEqual(MAX_TEXT_CHARS);
  });
});
