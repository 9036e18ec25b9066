import type { CaseEventSubscription } from '../domain/case-event-publishing.ts';
import type { RoutingPolicy, Rule } from '../domain/rules/index.ts';
import type { CompanyConfig } from './schema.ts';

/*
 * Views of a validated company config that the functions read at run time. Nothing here
 * imports zod or the schema (only its types): a bundle reads its config, validated at
 * synth, with config-json.ts's small check and these views, without the schema, the
 * platform adapters and the notifier registry it pulls in (shared/config/schema.ts
 * re-exports them for everyone else).
 */

/**
 * The routing policy of a validated config, as the rules engine reads it.
 *
 * @example
 * const routing = routeMention(classification, routingPolicyOf(config), mention);
 */
export function routingPolicyOf(config: CompanyConfig): RoutingPolicy {
  const { brand, products, competitors, lists, keyAccounts } = config.keywords;
  return {
    departments: config.departments,
    fallback: config.routing.fallback,
    rules: config.routing.rules as readonly Rule[],
    keywordLists: { brand, products, competitors, ...lists },
    // A platform's handle is matched like the others.
    keyAccounts: keyAccounts.map((k) =>
      k.platformHandles
        ? { ...k, handles: [...(k.handles ?? []), ...Object.values(k.platformHandles).filter((h) => h !== undefined)] }
        : k,
    ),
    ...(config.routing.highReachFollowers !== undefined
      ? { highReachFollowers: config.routing.highReachFollowers }
      : {}),
    ...(config.classifier.triage ? { triage: config.classifier.triage } : {}),
  };
}

/**
 * The languages the classifier takes as the company's (`classifier.languages`), by default
 * the language of `company.locale` and English: `de-DE` gives `['de', 'en']`.
 */
export function classifierLanguagesOf(config: CompanyConfig): string[] {
  if (config.classifier.languages) return [...config.classifier.languages];
  const own = config.company.locale.slice(0, 2).toLowerCase();
  return /^[a-z]{2}$/.test(own) && own !== 'en' ? [own, 'en'] : ['en'];
}

/** Departments an overdue escalating case goes to: `cases.escalate.to`, or press and legal where the company has them. */
export function escalationTargets(config: CompanyConfig): string[] {
  return config.cases.escalate.to ?? config.departments.map((d) => d.id).filter((d) => d === 'press' || d === 'legal');
}

/**
 * The base of case links in notifications: the console (`admin.consoleUrl`, where
 * `<base>/cases/<id>` is the case's page), else `cases.baseUrl`; undefined: no link.
 */
export function caseLinkBaseOf(config: CompanyConfig): string | undefined {
  return config.admin.consoleUrl ?? config.cases.baseUrl;
}

/**
 * The case events the company's own integrations consume (`events.caseEvents`), by default
 * none: only the case events that notify a department go on the bus (isCaseEventConsumed).
 */
export function caseEventSubscriptionOf(config: CompanyConfig): CaseEventSubscription {
  return config.events?.caseEvents ?? [];
}

// The domain owns the rule (access decisions use it); the config layer offers it beside its other policies.
export { approverDepartment } from '../domain/company-directory.ts';
