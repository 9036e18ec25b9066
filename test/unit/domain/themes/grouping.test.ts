import { describe, expect, it } from 'vitest';
import { ThemeClusterer } from '../../../../shared/domain/themes/theme-clusterer.ts';
import { termsOf } from '../../../../shared/domain/themes/terms.ts';
import { labelOf } from '../../../../shared/domain/themes/label.ts';
import { addTerms, EMPTY_VECTOR } from '../../../../shared/domain/themes/theme-vector.ts';
import { chooseTheme } from '../../../../shared/domain/themes/cluster.ts';

/** Paraphrases of three complaints per language, with typos and inflections (written for this test). */
const GERMAN = {
  repair: [
    'Die Reparatur meines Rads dauert schon drei Wochen!',
    'Seit Wochen warte ich auf die Reparatur, unfassbar',
    'Reperatur dauert ewig, jetzt 4 Wochen und nix passiert',
  ],
  invoice: [
    'Meine Rechnung ist falsch, der Betrag stimmt nicht',
    'Falsche Rechnung bekommen, viel zu hoher Betrag',
    'Rechnungsbetrag falsch und doppelt abgebucht!!',
  ],
  login: [
    'Login in der App geht seit dem Update nicht mehr',
    'Kann mich in der App nicht mehr einloggen, Login Fehler',
    'App Login kaputt seit Update',
  ],
};
const ENGLISH = {
  repair: [
    'The repair of my bike has taken three weeks already',
    'Still waiting for my repair after weeks',
    'Repairs take weeks, nobody tells me anything',
  ],
  invoice: [
    'My invoice is wrong, the amount does not match',
    'Wrong invoice again, charged twice',
    'Invoice amount is wrong and I was charged twice',
  ],
  login: [
    'Cannot log in to the app since the update',
    'App login fails after the update',
    'Login in the app broken since update',
  ],
};

describe('incremental theme grouping', () => {
  it.each([
    ['de', GERMAN],
    ['en', ENGLISH],
  ] as const)(
    'puts paraphrases of one complaint in one theme and different complaints in different themes (%s)',
    (language, fixture) => {
      const clusterer = new ThemeClusterer();

      const themes = Object.fromEntries(
        Object.entries(fixture).map(([label, texts]) => [label, texts.map((t) => clusterer.add(t, language))]),
      );

      for (const ids of Object.values(themes)) expect(new Set(ids).size).toBe(1);
      expect(new Set(Object.values(themes).map((ids) => ids[0])).size).toBe(3);
    },
  );

  it('gives the same themes for the same texts in the same order', () => {
    const texts = [...GERMAN.repair, ...GERMAN.invoice, ...GERMAN.login];
    const run = () => {
      const clusterer = new ThemeClusterer();
      return texts.map((t) => clusterer.add(t, 'de'));
    };

    expect(run()).toEqual(run());
  });

  it('returns no theme for a text without terms', () => {
    const clusterer = new ThemeClusterer();

    expect(clusterer.add('und die das 😡 https://x.example @radwerk', 'de')).toBeUndefined();
  });

  it('starts a new theme when no theme reaches the threshold', () => {
    const vector = addTerms(EMPTY_VECTOR, termsOf('Rechnung falsch', 'de'));

    const choice = chooseTheme(termsOf('Lieferung kommt nie an', 'de'), [{ id: 'a', vector }]);

    expect(choice.join).toBeUndefined();
  });
});

describe('terms', () => {
  it('folds umlauts, inflections and typos near the end into one term and drops stopwords', () => {
    const terms = [...termsOf('Die Rechnungen, die Rechnug und der Rechnungsbetrag: Müll, Muell!', 'de').keys()];

    expect(terms).toEqual(['rechnu', 'muell']);
  });

  it('keeps the word as written for the label', () => {
    expect(termsOf('Reparatur dauert', 'de').get('repara')).toBe('Reparatur');
  });
});

describe('labels', () => {
  it('names a theme by the terms its mentions use and the other themes do not', () => {
    const repair = GERMAN.repair.reduce((v, t) => addTerms(v, termsOf(t, 'de')), EMPTY_VECTOR);
    const invoice = GERMAN.invoice.reduce((v, t) => addTerms(v, termsOf(t, 'de')), EMPTY_VECTOR);

    const label = labelOf(repair, [invoice]);

    expect(label.split(' · ')).toEqual(expect.arrayContaining(['Reparatur', 'Wochen']));
  });

  it('leaves invoice numbers, amounts and dates out of a label', () => {
    const texts = [
      'Rechnung RE-2026-05561 doppelt abgebucht',
      'RE-2026-05561: Rechnung doppelt, 49,90 zu viel',
      'Schon wieder RE-2026-05561 doppelt berechnet',
    ];
    const invoice = texts.reduce((v, t) => addTerms(v, termsOf(t, 'de')), EMPTY_VECTOR);
    const repair = GERMAN.repair.reduce((v, t) => addTerms(v, termsOf(t, 'de')), EMPTY_VECTOR);

    const label = labelOf(invoice, [repair]);

    expect(label).not.toMatch(/\d/);
    expect(label.split(' · ')).toEqual(expect.arrayContaining(['doppelt']));
  });
});
