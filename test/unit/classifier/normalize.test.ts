import { describe, expect, it } from 'vitest';
import { MAX_TEXT_CHARS, normalizeText, stripInvisibleAndMarkup } from '../../../shared/classifier/normalize.ts';

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

  it('reads a negation contraction as one word, with a straight, curly or no apostrophe', () => {
    const expected = ['it', 'doesnt', 'work', 'and', 'i', 'cant', 'log', 'in'];

    expect(normalizeText("It doesn't work and I can't log in").tokens).toEqual(expected);
    expect(normalizeText('It doesn\u2019t work and I can\u2019t log in').tokens).toEqual(expected);
    expect(normalizeText('It doesnt work and I cant log in').tokens).toEqual(expected);
    expect(normalizeText("Wie geht's? It's fine").tokens).toEqual(['wie', 'geht', 's', 'it', 's', 'fine', 'xquestion']);
  });

  it('keeps quotes around words and the apostrophe of an emoticon as separators', () => {
    expect(normalizeText("they call it 'support' :'(").tokens).toEqual(['they', 'call', 'it', 'support', 'xfrown']);
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

  it('counts letters and capitals of any script, the same on a character seen before', () => {
    // Greek capitals, a Latin-1 letter, an ordinal indicator (U+00AA, a letter below U+00C0), ×, a digit.
    const text = 'ΝΕΟ ΠΡΟΪΟΝ Ωραίο ÜBER 1ª × 2';

    const first = normalizeText(text).signals;
    const again = normalizeText(text).signals;

    expect(first).toMatchObject({ letters: 19, capsWords: 3 });
    expect(first.capsRatio).toBeCloseTo(14 / 18, 10);
    expect(again).toEqual(first);
  });

  it('shortens a repeated non-ASCII letter (ø does not fold), and leaves a pair of letters and repeated digits alone', () => {
    expect(normalizeText('nøøø! boot 1000').tokens).toEqual(['nøø', 'boot', '0']);
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
  it('removes zero-width characters and soft hyphens inside a word, so it reads as the word', () => {
    for (const invisible of ['\u200B', '\u200C', '\u200D', '\u2060', '\uFEFF', '\u00AD', '\uFE0F']) {
      expect(normalizeText(`Wieder ka${invisible}putt`).tokens).toEqual(['wieder', 'kaputt']);
    }
  });

  it('removes variation selectors and tag characters outside the basic plane', () => {
    expect(normalizeText('ka\u{E0101}putt und fer\u{E0041}tig').tokens).toEqual(['kaputt', 'und', 'fertig']);
  });

  it('drops HTML tags and decodes character references before tokenizing', () => {
    const result = normalizeText(
      'Das ist &quot;super&quot;<br>Danke &amp; Gr&uuml;&szlig;e, it&#39;s <b>fine</b>&#x21;',
    );

    expect(result.tokens).toEqual(['das', 'ist', 'super', 'danke', 'gruesse', 'it', 's', 'fine']);
    expect(result.plain).toBe('Das ist "super" Danke & Grüße, it\'s fine!');
  });

  it('keeps a handle whole when Mastodon wraps it in inline tags, and separates block elements', () => {
    const result = normalizeText(
      '<p>Hallo <span class="h-card"><a href="https://m.example/@radwerk" class="u-url mention">@<span>radwerk</span></a></span></p><p>kaputt</p>',
    );

    expect(result.tokens).toEqual(['hallo', 'xuser', 'kaputt']);
    expect(result.signals.handles).toBe(1);
  });

  it('leaves a "<" or "&" that is no markup as written', () => {
    expect(stripInvisibleAndMarkup('a < b, x<y and z>w, <3 für AT&T & co; &bogus; &#0; 5 &lt 6')).toBe(
      'a < b, x<y and z>w, <3 für AT&T & co; &bogus; &#0; 5 &lt 6',
    );
  });

  it('returns the same string when there is nothing to remove', () => {
    const text = 'Mein Rad ist kaputt 😡 #fail';

    expect(stripInvisibleAndMarkup(text)).toBe(text);
  });

  it('gives the words of a hashtag-only text, camel-case hashtags split into their words', () => {
    expect(normalizeText('#fail #bahn').tokens).toEqual(['xtag', 'fail', 'xtag', 'bahn']);
    expect(normalizeText('#NieWieder #iPhone #DBfail').tokens).toEqual([
      'xtag',
      'nie',
      'wieder',
      'xtag',
      'iphone',
      'xtag',
      'dbfail',
    ]);
  });
});
