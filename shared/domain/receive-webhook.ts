import {
  jsonResponse,
  SignatureMismatchError,
  type AdapterContext,
  type IgnoredEvent,
  type PlatformAdapter,
  type PlatformRegistry,
  type Revocation,
  type WebhookRequest,
  type WebhookResponse,
} from './platform-adapter.ts';
import type { MentionDeletion } from './mention-deletion.ts';
import type { Mention } from './mention.ts';
import { NotFoundError, PayloadTooLargeError, UnavailableError, ValidationError } from './errors.ts';
import { OVER_LIMIT } from './mention-limits.ts';
import type { Clock, IntakeQueue } from './ports.ts';

/** Port: the company's webhook secret of each platform, as stored (JSON). */
export interface WebhookSecretProvider {
  /**
   * The secret JSON of a platform id (`meta`); the adapter's `secretShape` validates it.
   * @throws Error when it cannot be read; the request then fails with 500 and the platform retries
   */
  secretFor(platformId: string): Promise<unknown>;
  /**
   * Tells the provider that a signature did not match the secret it gave. On the second
   * mismatch in a row it reads the secret again (the platform may have rotated it) and
   * returns it; otherwise undefined.
   */
  mismatched?(platformId: string): Promise<unknown>;
  /** Tells the provider that a signature matched: mismatches in a row count from zero again. */
  matched?(platformId: string): void;
}

/**
 * A platform secret that lacks what verifying a request needs (the stack leaves the
 * platform-issued keys for the admin to add). It is the operator's to fix: the request is
 * answered 503, never verified without a key and never 200, and the platform retries.
 * The message names the fields, never a value.
 */
export class WebhookSecretIncompleteError extends UnavailableError {
  constructor(
    readonly platformId: string,
    description: string,
    readonly fields: readonly string[],
  ) {
    super(`the ${platformId} secret is incomplete: it is not ${description} (check: ${fields.join(', ') || 'value'})`);
  }
}

/** `C` is the company config, handed to the platform adapters as it is (see platform-adapter.ts). */
export interface ReceiveWebhookDeps<C> {
  readonly registry: PlatformRegistry<C>;
  readonly secrets: WebhookSecretProvider;
  readonly queue: IntakeQueue;
  readonly clock: Clock;
  readonly config: C;
  /** Largest body accepted, in bytes (the topology's `http.maxBodyBytes`). */
  readonly maxBodyBytes: number;
}

export interface ReceiveWebhookInput {
  /** The `{platform}` path segment. */
  readonly platformId: string;
  readonly request: WebhookRequest;
}

/** What happened to one webhook request. */
export interface WebhookOutcome {
  readonly response: WebhookResponse;
  /** Mentions sent to the intake queue. */
  readonly enqueued: number;
  /** The ids of the mentions and deletion notices sent to the intake queue: the caller logs them. */
  readonly enqueuedIds: readonly string[];
  /** Deletion notices sent to the intake queue. */
  readonly deleted: number;
  /** Events that are not mentions, with their reasons: the caller logs and counts them. */
  readonly ignored: readonly IgnoredEvent[];
  /** Accounts that took back the app's access: the caller logs and counts them. */
  readonly revocations: readonly Revocation[];
  /**
   * Accounts that are not the company's (not in its config) with how many items of the body
   * named each: those items are ignored (they are in `ignored` too), never enqueued. The
   * caller logs and counts them.
   */
  readonly foreignAccounts: readonly ForeignAccount[];
}

/** An account id a webhook named that is not one of the company's, and how many items named it. */
export interface ForeignAccount {
  readonly accountId: string;
  readonly items: number;
}

/** The reason logged for an item addressed to an account the company config does not name. */
export const FOREIGN_ACCOUNT_REASON = 'for an account that is not in the company config';

/**
 * Receives one webhook request of a platform.
 *
 * 1. find the platform's adapter (unknown or not enabled for the company: NotFoundError)
 * 2. refuse a body over `maxBodyBytes` (PayloadTooLargeError)
 * 3. GET: answer the platform's handshake with the company's secret
 * 4. POST: verify the signature over the raw body (after a second mismatch in a row, once
 *    more with a freshly read secret, so a rotation costs at most one refused delivery),
 *    parse it into mentions and deletion notices (each within mention-limits.ts: an item
 *    over them is ignored with its reason, a body of only such items refused with 400),
 * 5. ignore every item addressed to an account that is not the company's (a Page, account,
 *    organization or channel id missing from its config): it is answered 200 like any
 *    ignored event, so the platform does not retry, and never reaches the company's cases
 * 6. enqueue the rest, answer 200 with the counts
 *
 * @throws NotFoundError, PayloadTooLargeError, ValidationError (malformed body or another
 *   method), SignatureError (nothing is enqueued), WebhookSecretIncompleteError (the secret
 *   lacks a key: 503); any error of the secret provider or the queue propagates, so the
 *   request fails and the platform delivers it again
 */
export async function receiveWebhook<C>(
  input: ReceiveWebhookInput,
  deps: ReceiveWebhookDeps<C>,
): Promise<WebhookOutcome> {
  const adapter = deps.registry.get(input.platformId);
  if (!adapter) throw new NotFoundError(`no webhook for platform "${input.platformId.slice(0, 40)}"`);
  if (!adapter.isEnabled(deps.config))
    throw new NotFoundError(`platform "${adapter.id}" is not enabled for this company`);

  const { request } = input;
  if (request.body.length > deps.maxBodyBytes) throw new PayloadTooLargeError(deps.maxBodyBytes, request.body.length);
  const now = deps.clock.now();
  const context: AdapterContext<C> = { config: deps.config, now };

  if (request.method === 'GET') {
    const secret = secretOf(adapter, await deps.secrets.secretFor(adapter.id));
    return {
      response: adapter.handshake(request, secret, context),
      enqueued: 0,
      enqueuedIds: [],
      deleted: 0,
      ignored: [],
      revocations: [],
      foreignAccounts: [],
    };
  }
  if (request.method !== 'POST')
    throw new ValidationError(`method ${request.method} is not supported; use GET or POST`);

  await verifyWithRotation(adapter, request, context, deps.secrets);
  const parsed = adapter.parse(request.body, {
    config: deps.config,
    receivedAt: now,
    ...(request.params ? { params: request.params } : {}),
  });
  const { revocations } = parsed;
  const { mentions, deletions, ignored, foreignAccounts } = withoutForeignAccounts(adapter, deps.config, parsed);
  const overLimit = ignored.filter((event) => event[OVER_LIMIT] !== undefined);
  // A body whose every item could never be stored is refused, so the sender sees why.
  if (
    mentions.length + deletions.length + revocations.length === 0 &&
    overLimit.length > 0 &&
    overLimit.length === ignored.length
  ) {
    throw new ValidationError('no item of the body can be stored', [
      ...new Set(overLimit.map((event) => event.reason)),
    ]);
  }
  if (mentions.length + deletions.length > 0) await deps.queue.enqueue([...mentions, ...deletions]);
  return {
    response: jsonResponse(200, {
      enqueued: mentions.length,
      deleted: deletions.length,
      ignored: ignored.length,
      revoked: revocations.length,
    }),
    enqueued: mentions.length,
    enqueuedIds: [...mentions, ...deletions].map((item) => item.id),
    deleted: deletions.length,
    ignored,
    revocations,
    foreignAccounts,
  };
}

/**
 * Splits off the items addressed to accounts that are not the company's: each becomes an
 * ignored event naming its account. A platform without `isCompanyAccount` keeps every item.
 */
function withoutForeignAccounts<C>(
  adapter: PlatformAdapter<unknown, C>,
  config: C,
  parsed: {
    readonly mentions: readonly Mention[];
    readonly deletions: readonly MentionDeletion[];
    readonly ignored: readonly IgnoredEvent[];
  },
): { mentions: Mention[]; deletions: MentionDeletion[]; ignored: IgnoredEvent[]; foreignAccounts: ForeignAccount[] } {
  const ignored = [...parsed.ignored];
  const counts = new Map<string, number>();
  const isForeign = (item: Mention | MentionDeletion): boolean => {
    const { accountId } = item;
    if (!adapter.isCompanyAccount || accountId === undefined || adapter.isCompanyAccount(accountId, config))
      return false;
    counts.set(accountId, (counts.get(accountId) ?? 0) + 1);
    ignored.push({ reason: FOREIGN_ACCOUNT_REASON, accountId, id: item.id });
    return true;
  };
  const mentions = parsed.mentions.filter((m) => !isForeign(m));
  const deletions = parsed.deletions.filter((d) => !isForeign(d));
  return {
    mentions,
    deletions,
    ignored,
    foreignAccounts: [...counts].map(([accountId, items]) => ({ accountId, items })),
  };
}

async function verifyWithRotation<C>(
  adapter: PlatformAdapter<unknown, C>,
  request: WebhookRequest,
  context: AdapterContext<C>,
  secrets: WebhookSecretProvider,
): Promise<void> {
  try {
    adapter.verify(request, secretOf(adapter, await secrets.secretFor(adapter.id)), context);
  } catch (error) {
    if (!(error instanceof SignatureMismatchError) || !secrets.mismatched) throw error;
    const fresh = await secrets.mismatched(adapter.id);
    if (fresh === undefined) throw error;
    adapter.verify(request, secretOf(adapter, fresh), context);
  }
  secrets.matched?.(adapter.id);
}

/**
 * The secret JSON checked against the adapter's shape.
 * @throws WebhookSecretIncompleteError naming the missing or malformed fields
 */
function secretOf<C>(adapter: PlatformAdapter<unknown, C>, json: unknown): unknown {
  const parsed = adapter.secretShape.safeParse(json);
  if (!parsed.success) {
    throw new WebhookSecretIncompleteError(adapter.id, adapter.secretDescription, [
      ...new Set(parsed.error.issues.map((i) => i.path.join('.') || 'value')),
    ]);
  }
  return parsed.data;
}
