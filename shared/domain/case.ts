import { createHash } from 'node:crypto';
import type { Category, Platform, Priority } from './mention.ts';

export const CASE_STATES = ['new', 'assigned', 'waiting', 'responded', 'resolved'] as const;
export type CaseState = (typeof CASE_STATES)[number];

/** A unit of work for one department: one conversation thread on one platform. */
export interface Case {
  readonly id: string;
  readonly platform: Platform;
  readonly threadId: string;
  readonly department: string;
  readonly cc: readonly string[];
  readonly state: CaseState;
  readonly priority: Priority;
  readonly category: Category;
  readonly openedAt: string;
  readonly dueAt: string;
  readonly firstMentionId: string;
  readonly authorId: string;
}

/**
 * The case id of a conversation thread. It is derived from the thread, so every
 * redelivery of a mention of the same thread finds the same case.
 */
export function caseIdForThread(platform: Platform, threadId: string): string {
  return `case_${createHash('sha256').update(`${platform}\u0000${threadId}`).digest('hex').slice(0, 20)}`;
}
