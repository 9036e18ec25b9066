/**
 * The values the filters offer: the domain's own lists (shared/domain/vocabulary.ts has no
 * zod, so the bundle stays small); the platforms are the registry's, which sits behind zod,
 * so they are listed here (the API checks every value against the registry).
 */
export { CASE_STATES as STATES, CATEGORIES, PRIORITIES } from '../../shared/domain/vocabulary.ts';
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
