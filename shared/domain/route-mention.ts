import type { Classification } from './classification.ts';
import { evaluateRules, type RoutedMention } from './rules/index.ts';
import type { Routing, RoutingPolicy } from './rules/types.ts';

export type { Routing, RoutingPolicy };

/**
 * Routes a classified mention: the company's ordered rules, then the departments'
 * category ownership, then the fallback department. Every decision lists the rules that
 * matched and why (see `evaluateRules` in ./rules).
 *
 * @param mention the mention's text, platform, kind, author and language; without it only
 *   conditions on the classification can match
 * @example
 * const routing = routeMention(classification, policy, mention);
 * routing.department; // 'sales'
 * routing.reasons;    // ['rule key-accounts: key account Stadtwerke Kiel (...) -> department sales, stop', ...]
 */
export function routeMention(
  classification: Classification,
  policy: RoutingPolicy,
  mention: RoutedMention = {},
): Routing {
  return evaluateRules(classification, mention, policy);
}
