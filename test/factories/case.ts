import type { Case } from '../../shared/domain/case.ts';

/** A new service complaint case of a Facebook thread, version 1; override what the test is about. */
export function caseFactory(overrides: Partial<Case> = {}): Case {
  return {
    id: 'case_0123456789abcdef0123',
    platform: 'facebook',
    threadId: '104729381726354_901097836652708',
    department: 'service',
    cc: [],
    state: 'new',
    priority: 'normal',
    category: 'complaint',
    openedAt: '2026-11-30T09:00:00.000Z',
    dueAt: '2026-11-30T13:00:00.000Z',
    firstMentionId: 'facebook:1_2',
    authorId: '5550001',
    version: 1,
    generation: 1,
    ...overrides,
  };
}
