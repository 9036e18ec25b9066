import { describe, expect, it } from 'vitest';
import { BatchCaseCache } from '../../../shared/domain/batch-case-cache.ts';
import type { Case } from '../../../shared/domain/case.ts';
import { caseFactory } from '../../factories/case.ts';
import { InMemoryCases } from '../../fakes/in-memory.ts';

/** In-memory cases that read many at once, counting the reads of each kind. */
class CountingCases extends InMemoryCases {
  readonly reads: {
    readonly kind: 'get' | 'getMany';
    readonly ids: readonly string[];
    readonly consistent?: boolean;
  }[] = [];

  override async get(caseId: string, options?: { readonly consistent?: boolean }): Promise<Case | undefined> {
    this.reads.push({ kind: 'get', ids: [caseId], ...(options?.consistent === undefined ? {} : options) });
    return super.get(caseId);
  }

  override async getMany(caseIds: readonly string[]): Promise<Map<string, Case>> {
    this.reads.push({ kind: 'getMany', ids: [...caseIds] });
    return super.getMany(caseIds);
  }
}

describe('BatchCaseCache.getMany', () => {
  it('reads the cases a batch names in one read, after which their gets read nothing', async () => {
    // Arrange
    const cases = new CountingCases();
    await cases.ensure(caseFactory({ id: 'case_a' }));
    await cases.ensure(caseFactory({ id: 'case_b' }));
    const cache = new BatchCaseCache(cases);

    // Act
    await cache.getMany(['case_a', 'case_b', 'case_a']);
    const found = [await cache.get('case_a', { consistent: false }), await cache.get('case_b', { consistent: false })];

    // Assess
    expect(found.map((c) => c?.id)).toEqual(['case_a', 'case_b']);
    expect(cases.reads).toEqual([{ kind: 'getMany', ids: ['case_a', 'case_b'] }]);
  });

  it('answers a case the read ahead did not find as missing once, and the strongly consistent fallback finds it', async () => {
    // Arrange: the case is written after the read ahead (handle-department's fallback: department-inbox).
    const cases = new CountingCases();
    const cache = new BatchCaseCache(cases);
    await cache.getMany(['case_late']);
    await cases.ensure(caseFactory({ id: 'case_late' }));

    // Act
    const eventual = await cache.get('case_late', { consistent: false });
    const strong = await cache.get('case_late', { consistent: true });

    // Assess
    expect(eventual).toBeUndefined();
    expect(strong?.id).toBe('case_late');
    expect(cases.reads.map((r) => r.kind)).toEqual(['getMany', 'get']);
  });

  it('still reads strongly consistent when asked to, whatever it read ahead', async () => {
    // Arrange
    const cases = new CountingCases();
    await cases.ensure(caseFactory({ id: 'case_a' }));
    const cache = new BatchCaseCache(cases);
    await cache.getMany(['case_a']);

    // Act
    await cache.get('case_a', { consistent: true });

    // Assess
    expect(cases.reads.at(-1)).toEqual({ kind: 'get', ids: ['case_a'], consistent: true });
  });
});
