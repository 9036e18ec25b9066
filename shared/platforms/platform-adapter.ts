import type { CompanyConfig } from '../config/schema.ts';
import type { Mention } from '../domain/mention.ts';

/**
 * A webhook request as every platform adapter sees it, whatever the entry point
 * (API Gateway, the local HTTP server, a test).
 */
export interface WebhookRequest {
  /** Upper-case HTTP method. */
  readonly method: string;
  /** Header names in lower case; repeated headers joined with `,`. */
  readonly headers: Readonly<Record<string, string>>;
  /** Decoded query parameters. */
  readonly query: Readonly<Record<string, string>>;
  /** The body exactly as the platform sent it: signatures are computed over these bytes. */
  readonly body: Buffer;
}

/** An HTTP answer to a platform, independent of API Gateway's types. */
export interface WebhookResponse {
  readonly statusCode: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
  /** Why a request was refused (never a secret); set on every 4xx an adapter answers itself. */
  readonly rejection?: string;
}

/**
 * The company's secret for one platform, as stored in Secrets Manager:
 * `{"appSecret": "...", "verifyToken": "..."}`.
 */
export interface WebhookSecret {
  /** Key of the request signature (Meta's app secret). */
  readonly appSecret: string;
  /** Token the platform echoes in its subscription handshake. */
  readonly verifyToken: string;
}

/** What `parse` needs besides the body. */
export interface ParseContext {
  readonly config: CompanyConfig;
  /** When the request arrived; becomes each mention's `receivedAt`. */
  readonly receivedAt: Date;
}

/** A well-formed event that is not a mention (a like, a removal, an unknown field). */
export interface IgnoredEvent {
  /** Why it was ignored, for the log. */
  readonly reason: string;
  /** Where it was found (object, field, item, verb, entry id...), for the log. */
  readonly [detail: string]: string | number | undefined;
}

/** The mentions a webhook body carries, and what it carries besides them. */
export interface ParseResult {
  readonly mentions: Mention[];
  readonly ignored: IgnoredEvent[];
}

/**
 * One social platform's webhook dialect. Adding a platform means writing one of these,
 * registering it in `registry.ts` and testing it; nothing else changes.
 */
export interface PlatformAdapter {
  /** The `{platform}` path segment of `/webhooks/{platform}`, and the secret's platform id. */
  readonly id: string;
  /** Whether the company config turns this platform on. */
  isEnabled(config: CompanyConfig): boolean;
  /**
   * Answers the platform's GET verification (subscription handshake).
   * Refusals are answered, not thrown; they carry `rejection`.
   */
  handshake(request: WebhookRequest, secret: WebhookSecret): WebhookResponse;
  /**
   * Checks the signature of a POST over its raw body.
   * @throws SignatureError naming the reason (never the signature or the secret)
   */
  verify(request: WebhookRequest, secret: WebhookSecret): void;
  /**
   * Turns a verified body into normalized mentions; every event that is not one comes
   * back in `ignored` with its reason. Nothing is dropped silently.
   * @throws ValidationError when the body is not JSON or not this platform's envelope
   */
  parse(body: Buffer, context: ParseContext): ParseResult;
}

/** Webhook platform ids mapped to their adapters. */
export interface PlatformRegistry {
  /** The adapter of a platform id, or undefined for an unknown one. */
  get(platformId: string): PlatformAdapter | undefined;
  readonly ids: readonly string[];
}
