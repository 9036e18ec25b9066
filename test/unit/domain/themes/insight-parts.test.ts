import { describe, expect, it } from 'vitest';
import { defectEffectOf, effectWindows } from '../../../../shared/domain/themes/defect-effect.ts';
import { themeKindOf } from '../../../../shared/domain/themes/kind.ts';
import { processOf } from '../../../../shared/domain/themes/process-link.ts';
import { organisationOf, placeOf } from '../../../../shared/domain/themes/project-details.ts';
import { supportScore } from '../../../../shared/domain/themes/support.ts';
import { termsOf } from '../../../../shared/domain/themes/terms.ts';
import { addTerms, EMPTY_VECTOR } from '../../../../shared/domain/themes/theme-vector.ts';
import { trendOf } from '../../../../shared/domain/themes/trend.ts';

describe('theme kinds', () => {
  it.each([
    ['complaint', 'neutral', 'complaint'],
    ['question', 'negative', 'complaint'],
    ['question', 'neutral', undefined],
    ['product_idea', 'positive', 'idea'],
    ['community_project', 'neutral', 'project'],
    ['praise', 'positive', undefined],
  ] as const)('groups a %s with %s sentiment as %s', (category, sentiment, kind) => {
    expect(themeKindOf(category, sentiment)).toBe(kind);
  });
});

describe('trend', () => {
  it.each([
    [3, 0, 'new'],
    [10, 5, 'rising'],
    [2, 8, 'falling'],
    [6, 5, 'steady'],
    [0, 0, 'steady'],
  ] as const)('calls %i mentions after %i before %s', (count, previous, trend) => {
    expect(trendOf(count, previous)).toBe(trend);
  });
});

describe('project details', () => {
  it.each([
    ['Unterstützt doch den TSV Grünwald bei den neuen Trikots!', 'TSV Grünwald'],
    ['Die Kita Sonnenschein in Altona braucht Laufräder', 'Kita Sonnenschein'],
    ['Der Waldkindergarten hier sucht Sponsoren', 'Waldkindergarten'],
    ['Please sponsor the Riverside Youth Club bike days', 'Riverside Youth Club'],
  ])('finds the organisation in "%s"', (text, organisation) => {
    expect(organisationOf(text)).toBe(organisation);
  });

  it.each([
    ['Die Kita Sonnenschein in Altona braucht Laufräder', 'Altona'],
    ['Wir sind ein Verein aus Bad Oldesloe', 'Bad Oldesloe'],
    ['A school from Leeds would love a bike workshop', 'Leeds'],
    ['In Zukunft wäre das super', undefined],
    ['Habt ihr ein Kinderrad in Größe 20 für unsere Kita?', undefined],
    ['Gibt es das Rad auch in Grün?', undefined],
  ])('finds the place in "%s"', (text, place) => {
    expect(placeOf(text)).toBe(place);
  });
});

describe('support', () => {
  it('ranks many people asking once above one person asking many times', () => {
    expect(supportScore({ mentions: 5, authors: 5, reactions: 0 })).toBeGreaterThan(
      supportScore({ mentions: 10, authors: 1, reactions: 0 }),
    );
  });
});

describe('process link', () => {
  const processes = [
    { id: 'repairs', name: 'Werkstatt', owner: { name: 'Kai' }, terms: ['Reparatur', 'Werkstatt'] },
    { id: 'invoicing', name: 'Rechnungen', owner: { name: 'Birte' }, terms: ['Rechnung'] },
    { id: 'named', name: 'Named', owner: { name: 'Ole' }, themes: ['th_complaint_de_000000000001'] },
  ];
  const theme = (id: string, texts: string[]) => ({
    id,
    language: 'de',
    vector: texts.reduce((v, t) => addTerms(v, termsOf(t, 'de')), EMPTY_VECTOR),
    mentions: texts.length,
  });

  it('links a theme to the process whose terms its mentions use', () => {
    expect(
      processOf(
        theme('th_complaint_de_aaaaaaaaaaaa', ['Reparaturen dauern ewig', 'Die Reparatur ist nicht fertig']),
        processes,
      )?.id,
    ).toBe('repairs');
  });

  it('links a theme to the process that names it, whatever its words', () => {
    expect(processOf(theme('th_complaint_de_000000000001', ['Rechnung falsch']), processes)?.id).toBe('named');
  });

  it('links no process when too few mentions use its terms', () => {
    expect(
      processOf(
        theme('th_complaint_de_bbbbbbbbbbbb', [
          'Lieferung zu spät',
          'Paket fehlt',
          'Lieferung fehlt',
          'Versand dauert',
          'Rechnung kam auch nicht',
          'Paket weg',
        ]),
        processes,
      ),
    ).toBeUndefined();
  });
});

describe('defect effect', () => {
  it('compares equal windows before and after the fix day, at most 28 days each', () => {
    const windows = effectWindows('2026-01-01', '2026-03-01', '2026-06-01');

    expect([windows.before.length, windows.after.length, windows.before[0], windows.after[0]]).toEqual([
      28,
      28,
      '2026-02-01',
      '2026-03-01',
    ]);
  });

  it('shortens both windows to the days known after the fix', () => {
    const windows = effectWindows('2026-01-01', '2026-03-01', '2026-03-07');

    expect([windows.before.length, windows.after.length]).toEqual([7, 7]);
  });

  it('gives the daily rates and the relative change', () => {
    const windows = { before: ['2026-02-27', '2026-02-28'], after: ['2026-03-01', '2026-03-02'] };
    const counts = new Map([
      ['2026-02-27', 6],
      ['2026-02-28', 4],
      ['2026-03-01', 2],
    ]);

    const effect = defectEffectOf(
      { id: 't', label: 'x' },
      { owner: 'Kai', fixDate: '2026-03-01', markedAt: '2026-03-01T08:00:00Z', markedBy: 'user:kai' },
      windows,
      counts,
    );

    expect(effect).toMatchObject({
      perDayBefore: 5,
      perDayAfter: 1,
      change: -0.8,
      daysBefore: 2,
      daysAfter: 2,
      owner: 'Kai',
    });
  });
});
