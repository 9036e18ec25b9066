import type { CompanyConfig } from '../../shared/config/schema.ts';

/**
 * The demo company, where the service desk's answers to praise need the press office's
 * approval (a rule in front of the demo's): the flow of service drafting and press
 * approving, with a case the press office may open.
 */
export function serviceRepliesNeedPress(base: CompanyConfig): CompanyConfig {
  const rule = {
    id: 'service-replies-need-press',
    description: 'Public thanks are worded with the press office.',
    when: { category: ['praise'] },
    then: { department: 'service', requireApproval: true },
  } as CompanyConfig['routing']['rules'][number];
  return { ...base, routing: { ...base.routing, rules: [rule, ...base.routing.rules] } };
}
