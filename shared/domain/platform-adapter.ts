import type * as z from './zod-mini.ts';
import { SignatureError } from './errors.ts';
import type { Mention } from './mention.ts';
import type { MentionDeletion } from './mention-deletion.ts';

/*
 * The port of a social platform's webhook dialect. `C` is the company config: the domain
 * passes it through to the adapter without reading it, so it does not import the config
 * layer; shared/platforms/platform-adapter.ts binds `C` to `CompanyConfig` for the adapters.
 */

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
  /** Path parameters besides the platform (`source` of `/webhooks/generic/{source}`). */
  readonly params?: Readonly<Record<string, string>>;
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
 * Meta's secret shape, `{"appSecret": "...", "verifyToken": "..."}`, under the name it had
 * when Meta was the only platform. Each adapter now declares its own (`secretShape`).
 */
export interface WebhookSecret {
  readonly appSecret: string;
  readonly verifyToken: string;
}

/** What handshakes and signature checks need besides the request and the secret. */
export interface AdapterContext<C> {
  readonly config: C;
  /** The injected clock's time: replay windows are measured against it. */
  readonly now: Date;
}

/** What `parse` needs besides the body. */
export interface ParseContext<C> {
  readonly config: C;
  /** When the request arrived; becomes each mention's `receivedAt`. */
  readonly receivedAt: Date;
  /** Path parameters besides the platform (the generic `source`). */
  readonly params?: Readonly<Record<string, string>>;
}

/** A well-formed event that is not a mention (a like, a removal, an unknown field). */
export interface IgnoredEvent {
  /** Why it was ignored, for the log. */
  readonly reason: string;
  /** Where it was found (object, field, item, verb, entry id...), for the log. */
  readonly [detail: string]: string | number | undefined;
}

/**
 * A person or account that took back the app's access (X `user_event.revoke`, TikTok
 * `authorization.removed`): logged and counted, nothing is enqueued.
 */
export interface Revocation {
  readonly platform: string;
  /** The platform's id of the account that revoked. */
  readonly userId: string;
  readonly at?: string;
  readonly rawType: string;
}

/** What a webhook body carries. */
export interface ParseResult {
  readonly mentions: Mention[];
  readonly ignored: IgnoredEvent[];
  /** Mentions their authors deleted: enqueued so the stored text and author are erased. */
  readonly deletions: MentionDeletion[];
  readonly revocations: Revocation[];
}

/** An empty result to push into. */
/** A JSON answer; `rejection` is the reason logged when the answer refuses the request. */
export function jsonResponse(statusCode: number, body: unknown, rejection?: string): WebhookResponse {
  return {
    statusCode,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
    ...(rejection === undefined ? {} : { rejection }),
  };
}

/** The answer of a platform that has no GET verification handshake. */
export function noHandshake(rejection: string): WebhookResponse {
  const response = jsonResponse(405, { message: 'method not allowed' }, rejection);
  return { ...response, headers: { ...response.headers, allow: 'POST' } };
}

export function emptyParseResult(): ParseResult {
  return { mentions: [], ignored: [], deletions: [], revocations: [] };
}

/** What `sign` needs: the time to put into timestamped signatures. */
export interface SignOptions {
  readonly now: Date;
  /** Path parameters of the target URL (the generic `source`). */
  readonly params?: Readonly<Record<string, string>>;
}

/**
 * A signature that is well-formed and fresh but does not match the body with the secret
 * in hand: the one failure a rotated secret explains, so only it lets the secret be
 * read again (see WebhookSecretProvider.mismatched).
 */
export class SignatureMismatchError extends SignatureError {}

/**
 * One social platform's webhook dialect. Adding a platform means writing one of these,
 * registering it in `registry.ts` and testing it; nothing else changes.
 *
 * `S` is the shape of the platform's secret JSON in Secrets Manager.
 */
export interface PlatformAdapter<S, C> {
  /** The `{platform}` path segment of `/webhooks/{platform}`, and the secret's platform id. */
  readonly id: string;
  /** The secret JSON, validated before use; unknown keys are allowed (the stack adds `verifyToken`). */
  readonly secretShape: z.ZodMiniType<S>;
  /** The secret JSON in words, for the topology's secret description and errors. */
  readonly secretDescription: string;
  /** A random secret of this shape, for the local runtime. */
  generateSecret(): S;
  /**
   * The key of the secret that Backchannel chooses itself rather than the platform issuing
   * it (Meta's verify token, the WebSub hub.secret, the generic signing secret): the stack
   * generates it at deploy and `npm start` at first start. Undefined when the platform
   * issues every key (X, LinkedIn, TikTok): the admin adds them, and until then requests
   * are answered 503.
   */
  readonly generatedSecretKey?: string;
  /** Whether the company config turns this platform on. */
  isEnabled(config: C): boolean;
  /**
   * Whether an account id that a verified body names (the `accountId` of a mention or a
   * deletion: a Page, an Instagram account, an X user, an organization URN, a channel, a
   * TikTok open id) is one of the company's accounts in its config. receiveWebhook ignores
   * every item for another account. Absent when the platform's bodies name no company
   * account (generic: the URL names the source).
   */
  isCompanyAccount?(accountId: string, config: C): boolean;
  /**
   * Answers the platform's GET verification (subscription handshake or CRC).
   * Refusals are answered, not thrown; they carry `rejection`.
   */
  handshake(request: WebhookRequest, secret: S, context: AdapterContext<C>): WebhookResponse;
  /**
   * Checks the signature of a POST over its raw body.
   * @throws SignatureError naming the reason (never the signature or the secret);
   *   SignatureMismatchError when only the secret can explain the failure
   */
  verify(request: WebhookRequest, secret: S, context: AdapterContext<C>): void;
  /**
   * Turns a verified body into normalized mentions; every event that is not one comes
   * back in `ignored` with its reason. Nothing is dropped silently.
   * @throws ValidationError when the body is not this platform's envelope
   */
  parse(body: Buffer, context: ParseContext<C>): ParseResult;
  /**
   * The headers the platform would send with this body: used by the demo, the CLI's
   * `send` and the tests, so each signature is computed in exactly one place.
   */
  sign(body: Buffer | string, secret: S, options: SignOptions): Record<string, string>;
}

/** Webhook platform ids mapped to their adapters. */
export interface PlatformRegistry<C> {
  /** The adapter of a platform id, or undefined for an unknown one. */
  get(platformId: string): PlatformAdapter<unknown, C> | undefined;
  readonly ids: readonly string[];
  readonly adapters: readonly PlatformAdapter<unknown, C>[];
}
