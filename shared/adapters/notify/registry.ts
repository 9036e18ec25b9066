import type * as z from 'zod/v4/core';
import type { NotificationTarget } from '../../domain/notification.ts';
import { email } from './email.ts';
import { NotifierConfigError } from './errors.ts';
import { slack } from './slack.ts';
import type { TargetType } from './target-type.ts';
import { teams } from './teams.ts';

/**
 * Every notification target type, once. The config schema's target unions, the topology's
 * secrets and grants (infra/notifications.ts) and the senders (createNotifier,
 * createReportSender, createAlertSender) are all derived from this list: a new type is its
 * module and one line here (CONTRIBUTING.md, "Add a notifier").
 */
export const TARGET_TYPES = [slack, teams, email] as const;

type Registered = (typeof TARGET_TYPES)[number];

/** The types that `alerts.chat` accepts: those with an alert sender. */
type AlertTypes<T extends readonly TargetType[]> = T extends readonly [
  infer Head extends TargetType,
  ...infer Rest extends readonly TargetType[],
]
  ? Head['alerts'] extends true
    ? [Head, ...AlertTypes<Rest>]
    : AlertTypes<Rest>
  : [];

type SchemasOf<T extends readonly TargetType[]> = { -readonly [K in keyof T]: T[K]['schema'] };

/** The registered type ids: `slack`, `teams`, `email`. */
export type TargetTypeId = Registered['type'];

/** A target as the config schema reads it: one of the registered types' schemas. */
export type ConfiguredTarget = z.output<Registered['schema']>;

/**
 * Refuses a registry in which two types share an id or a secret platform, or a type's schema
 * reads another `type`: a target must never be delivered by another type's sender or read
 * another type's secret.
 * @throws Error naming the duplicate
 */
export function checkRegistry(types: readonly TargetType[]): void {
  const ids = new Set<string>();
  const platforms = new Set<string>();
  for (const t of types) {
    // The schema is a zod/mini or a classic object: its `type` field is read through zod's core.
    const literal = (t.schema._zod.def.shape as Record<string, z.$ZodType | undefined>).type;
    if (literal?._zod.def.type !== 'literal' || !(literal as z.$ZodLiteral)._zod.values?.has(t.type))
      throw new Error(`notifier ${t.type}: its schema's "type" must be z.literal('${t.type}')`);
    if (ids.has(t.type)) throw new Error(`notifier ${t.type} is registered twice`);
    ids.add(t.type);
    if (t.secret) {
      if (platforms.has(t.secret.platform))
        throw new Error(`notifier ${t.type}: secret platform ${t.secret.platform} belongs to another type`);
      platforms.add(t.secret.platform);
    }
  }
}
checkRegistry(TARGET_TYPES);

/** The config schemas of every type, for `z.discriminatedUnion('type', ...)`. */
export const targetSchemas = TARGET_TYPES.map((t) => t.schema) as SchemasOf<typeof TARGET_TYPES>;

/** The config schemas of the types that carry alerts. */
export const alertTargetSchemas = TARGET_TYPES.filter((t) => t.alerts).map((t) => t.schema) as unknown as SchemasOf<
  AlertTypes<typeof TARGET_TYPES>
>;

/** `slack, teams or email`: the type ids for descriptions. */
export function targetTypeList(which: 'all' | 'alerts' = 'all'): string {
  const ids = TARGET_TYPES.filter((t) => which === 'all' || t.alerts).map((t) => t.type);
  return ids.length > 1 ? `${ids.slice(0, -1).join(', ')} or ${ids[ids.length - 1]}` : (ids[0] ?? '');
}

/**
 * The registered type of a target.
 * @throws NotifierConfigError for a type that no module registers
 */
export function targetTypeOf(target: Pick<NotificationTarget, 'type'>): TargetType {
  const found = (TARGET_TYPES as readonly TargetType[]).find((t) => t.type === target.type);
  if (!found) throw new NotifierConfigError(`no notifier for ${target.type} targets: it is not a registered type`);
  return found;
}
