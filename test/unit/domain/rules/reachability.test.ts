import { describe, expect, it } from 'vitest';
import { covers, findUnreachableRules, type Condition, type Rule } from '../../../../shared/domain/rules/index.ts';

const rule = (id: string, when: Condition | undefined, cont = false): Rule => ({
  id,
  ...(when ? { when } : {}),
  then: { department: 'x', continue: cont },
});

describe('covers', () => {
  it.each<[string, Condition | undefined, Condition | undefined, boolean]>([
    ['no condition covers everything', undefined, { category: ['praise'] }, true],
    [
      'a wider list covers a narrower one',
      { category: ['praise', 'question'] },
      { category: ['praise'], sentiment: ['positive'] },
      true,
    ],
    [
      'a narrower list does not cover a wider one',
      { category: ['praise'] },
      { category: ['praise', 'question'] },
      false,
    ],
    ['a key the narrow one lacks', { sentiment: ['negative'] }, { category: ['complaint'] }, false],
    ['a range inside the range', { urgency: { min: 0.5 } }, { urgency: { min: 0.7, max: 0.9 } }, true],
    ['a range reaching outside', { urgency: { min: 0.5 } }, { urgency: { min: 0.3 } }, false],
    ['equal combinations', { any: [{ keywords: ['a'] }] }, { any: [{ keywords: ['a'] }] }, true],
    ['different combinations', { any: [{ keywords: ['a'] }] }, { any: [{ keywords: ['b'] }] }, false],
  ])('%s', (_name, broad, narrow, expected) => {
    expect(covers(broad, narrow)).toBe(expected);
  });
});

describe('findUnreachableRules', () => {
  it('finds every rule after one that catches everything and stops', () => {
    const found = findUnreachableRules([
      rule('a', { category: ['praise'] }),
      rule('all', undefined),
      rule('b', { category: ['question'] }),
      rule('c', {}),
    ]);

    expect(found).toEqual([
      { index: 2, shadowedBy: 1, catchAll: true },
      { index: 3, shadowedBy: 1, catchAll: true },
    ]);
  });

  it('finds a rule that an earlier, wider rule takes every mention of', () => {
    const found = findUnreachableRules([
      rule('wide', { category: ['complaint', 'question'] }),
      rule('narrow', { category: ['complaint'], language: ['de'] }),
    ]);

    expect(found).toEqual([{ index: 1, shadowedBy: 0, catchAll: false }]);
  });

  it('does not count a rule that continues', () => {
    expect(findUnreachableRules([rule('tag-all', undefined, true), rule('b', { category: ['question'] })])).toEqual([]);
  });
});
