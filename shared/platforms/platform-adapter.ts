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
/** One social platform's webhook dialect; `S` is the shape of its secret JSON. */
export type PlatformAdapter<S = unknown> = Port.PlatformAdapter<S, CompanyConfig>;
/** Webhook platform ids mapped to their adapters. */
export type PlatformRegistry = Port.PlatformRegistry<CompanyConfig>;
