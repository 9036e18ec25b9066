import { z } from 'zod';
import { CATEGORIES, PLATFORMS, PRIORITIES, SENTIMENTS } from './mention.ts';

/** The `source` of every event Backchannel puts on a company's bus. */
export const EVENT_SOURCE = 'backchannel';

export const DETAIL_TYPES = {
  mentionRouted: 'Mention Routed',
} as const;

/**
 * Detail of `Mention Routed`: one per receiving department. This is public contract:
 * other consumers on the bus read it, so fields are only ever added.
 */
export const MentionRoutedSchema = z.object({
  companyId: z.string(),
  mentionId: z.string(),
  caseId: z.string(),
  department: z.string(),
  role: z.enum(['primary', 'cc']),
  platform: z.enum(PLATFORMS),
  category: z.enum(CATEGORIES),
  sentiment: z.enum(SENTIMENTS),
  priority: z.enum(PRIORITIES),
  urgency: z.number().min(0).max(1),
  language: z.string(),
  authorId: z.string(),
  text: z.string(),
  createdAt: z.iso.datetime(),
  routedAt: z.iso.datetime(),
  reasons: z.array(z.string()),
  /** Tags the routing rules added. */
  tags: z.array(z.string()).optional(),
  /** Nobody replies in public before someone approves the answer. */
  requireApproval: z.boolean().optional(),
  /** Ids of the routing rules that matched, in order (the reasons say why). */
  matchedRules: z.array(z.string()).optional(),
  /** Key accounts the mention names, each with its account owner. */
  keyAccounts: z
    .array(z.object({ id: z.string(), name: z.string(), owner: z.object({ name: z.string(), email: z.string().optional() }) }))
    .optional(),
});
export type MentionRouted = z.infer<typeof MentionRoutedSchema>;

/** The EventBridge envelope as it arrives in a department queue. */
export const MentionRoutedEnvelopeSchema = z.object({
  'detail-type': z.literal(DETAIL_TYPES.mentionRouted),
  source: z.literal(EVENT_SOURCE),
  detail: MentionRoutedSchema,
});
