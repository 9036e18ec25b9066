import type * as z from '../domain/zod-mini.ts';
import type { CompanyConfig } from '../config/schema.ts';
import type * as Port from '../domain/platform-adapter.ts';

/*
 * The platform adapter port (shared/domain/platform-adapter.ts) bound to the company
 * config, which is what every adapter in this folder reads.
 */
export {
  emptyParseResult,
  jsonResponse,
  noHandshake,
  SignatureMismatchError,
  type IgnoredEvent,
  type ParseResult,
  type Revocation,
  type SignOptions,
  type WebhookRequest,
  type WebhookResponse,
  type WebhookSecret,
} from '../domain/platform-adapter.ts';

/** What handshakes and signature checks need besides the request and the secret. */
export type AdapterContext = Port.AdapterContext<CompanyConfig>;
/** What `parse` needs besides the body. */
export type ParseContext = Port.ParseContext<CompanyConfig>;
/**
 * What every platform declares in its one file, webhooks or not: the company config's
 * `platforms` section (shared/config/platforms.ts) and the known mention platforms
 * (`MENTION_PLATFORMS`) are built from these, through shared/platforms/registry.ts.
 */
export interface PlatformDefinition<Id extends string = string, Config extends z.ZodMiniType = z.ZodMiniType> {
  /** The key of its entry under `platforms` in the company config (for webhooks also `/webhooks/{id}`). */
  readonly id: Id;
  /** Its config entry: the schema (each field with a `.meta` description) and what the entry is. */
  readonly config: { readonly schema: Config; readonly description: string };
  /** The `platform` values its mentions carry (Meta's are `facebook` and `instagram`). */
  readonly mentionPlatforms: readonly string[];
}

/**
 * The part of a company config one platform reads: its own entry. Adapters are typed
 * against this view, not the whole `CompanyConfig`, because the config's type is built from
 * the adapters' declarations (a cycle TypeScript would resolve to `any`).
 */
export interface PlatformConfigView<Id extends string, Config extends z.ZodMiniType> {
  readonly platforms: { readonly [K in Id]?: z.output<Config> };
}

/**
 * One social platform's webhook dialect and its declaration; `S` is the shape of its secret
 * JSON, `Id` and `Config` its literal id and config schema (so the config's type keeps them).
 */
export type PlatformAdapter<
  S = unknown,
  Id extends string = string,
  Config extends z.ZodMiniType = z.ZodMiniType,
> = Port.PlatformAdapter<S, PlatformConfigView<Id, Config>> & PlatformDefinition<Id, Config>;
/**
 * The `isEnabled` of a platform whose entry is `platforms.<id>`: the entry is there and not
 * switched off (`enabled: false`).
 */
export function entryEnabled<Id extends string>(
  id: Id,
): (config: { readonly platforms: { readonly [K in Id]?: { readonly enabled: boolean } } }) => boolean {
  return (config) => config.platforms[id]?.enabled === true;
}

/** Webhook platform ids mapped to their adapters. */
export type PlatformRegistry = Port.PlatformRegistry<CompanyConfig>;
