/**
 * The domain's closed value lists, in a module without zod, so that the console's bundle
 * can import the same lists the API validates against (shared/domain/mention.ts and case.ts
 * re-export them with their types and schemas).
 */

/** What a mention is about; each category is owned by at most one department. */
export const CATEGORIES = [
  'complaint',
  'question',
  'sales_lead',
  'press_inquiry',
  'product_idea',
  'praise',
  'community_project',
  'legal_risk',
  'other',
] as const;

export const SENTIMENTS = ['negative', 'neutral', 'positive'] as const;

export const PRIORITIES = ['high', 'normal', 'low'] as const;

/** The states of a case (see case-lifecycle.ts for the moves between them). */
export const CASE_STATES = ['new', 'assigned', 'waiting', 'responded', 'resolved'] as const;
