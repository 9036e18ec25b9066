import type { CompanyConfig } from '../shared/config/schema.ts';
import { chatSecretSpec } from './notifications.ts';
import type { FunctionSpec, SecretSpec } from './topology.ts';
import { COMPANY_CONFIG_ENV } from './topology-constants.ts';

/**
 * The alarm forwarder of a company: when `alerts.chat` names Slack or Teams targets, the
 * `forward-alarm` function, subscribed to the alert topic, posts each alarm there. It reads
 * the targets' webhook secrets (shared with department targets of the same name).
 * buildTopology adds it. Only types come from topology.ts, so the two modules
 * form no cycle at run time.
 */
export interface AlertsTopology {
  readonly functions: readonly FunctionSpec[];
  /** Chat secrets that the topology does not describe yet. */
  readonly secrets: readonly SecretSpec[];
  /** The forwarder's function id, when there is one. */
  readonly forwarder?: string;
}

export const FORWARD_ALARM_FUNCTION = 'forward-alarm';

export function alertsTopology(
  config: CompanyConfig,
  context: { readonly prefix: string; readonly secrets: readonly SecretSpec[] },
): AlertsTopology {
  if (config.alerts.chat.length === 0) return { functions: [], secrets: [] };
  const secrets: SecretSpec[] = [];
  const readable: SecretSpec[] = [];
  for (const target of config.alerts.chat) {
    const spec = chatSecretSpec(config.company.id, target);
    const known = [...context.secrets, ...secrets].find((s) => s.name === spec.name);
    const secret = known ?? spec;
    if (!known) secrets.push(secret);
    if (!readable.includes(secret)) readable.push(secret);
  }
  const forwarder: FunctionSpec = {
    id: FORWARD_ALARM_FUNCTION,
    name: `${context.prefix}-${FORWARD_ALARM_FUNCTION}`,
    entry: `functions/${FORWARD_ALARM_FUNCTION}/handler.ts`,
    memoryMb: 256,
    timeoutSeconds: 30,
    // The secrets' names come from the config: the forwarder needs only the config and the grants.
    environment: { [COMPANY_CONFIG_ENV]: { kind: 'companyConfig' } },
    triggers: [{ type: 'alerts' }],
    grants: readable.map((s) => ({ resource: 'secret', secret: s.id, access: 'read' }) as const),
  };
  return { functions: [forwarder], secrets, forwarder: forwarder.id };
}
