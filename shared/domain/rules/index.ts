export { evaluateCondition, compileRuleRegex, type ConditionResult } from './conditions.ts';
export { evaluateRules, ownershipRules, priorityFromClassification, rulesInOrder } from './evaluate.ts';
export {
  factsOf,
  DEFAULT_HIGH_REACH_FOLLOWERS,
  type RoutedMention,
  type RoutingFacts,
  type KeyAccountHit,
} from './facts.ts';
export {
  covers,
  findUnreachableRules,
  firstStoppingCatchAll,
  isCatchAll,
  type UnreachableRule,
} from './reachability.ts';
export { firstTermIn, normalizeHandle, normalizeText } from './text-match.ts';
export * from './types.ts';
