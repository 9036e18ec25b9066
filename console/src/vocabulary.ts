/**
 * The values the filters offer. The server's lists (shared/domain/mention.ts, case.ts) sit
 * behind zod in modules that would pull the schema library into the bundle; the API
 * validates every value, so a list here that falls behind only hides a choice.
 */
export const STATES = ['new', 'assigned', 'waiting', 'responded', 'resolved'] as const;
export const PRIORITIES = ['high', 'normal', 'low'] as const;
export const PLATFORMS = [
  'facebook',
  'instagram',
  'x',
  'linkedin',
  'youtube',
  'tiktok',
  'mastodon',
  'bluesky',
  'generic',
] as const;
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
