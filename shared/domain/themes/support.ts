import type { Support } from '../insights.ts';

/**
 * The rank score of an idea or project: distinct people count most (ten people asking once
 * outweigh one person asking ten times), mentions next, reactions (likes, shares, where the
 * platform gives them) last and damped, so one viral post does not bury what many ask for.
 *
 * score = 3 x authors + mentions + log2(1 + reactions)
 */
export function supportScore(support: Support): number {
  return 3 * support.authors + support.mentions + Math.log2(1 + support.reactions);
}
