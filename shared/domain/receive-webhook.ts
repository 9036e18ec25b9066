import type { CompanyConfig } from '../config/schema.ts';
import type {
  IgnoredEvent,
  PlatformRegistry,
  WebhookRequest,
  WebhookResponse,
  WebhookSecret,
} from '../platforms/platform-adapter.ts';
import { NotFoundError, PayloadTooLargeError, ValidationError } from './errors.ts';
import type { Clock, IntakeQueue } from './ports.ts';

/** Port: the company's webhook secret of each platform. */
export interface WebhookSecretProvider {
  /**
   * The secret of a platform id (`meta`).
   * @throws Error when it cannot be read; the request then fails with 500 and the platform retries
   */
  secretFor(platformId: string): Promise<WebhookSecret>;
}

export interface ReceiveWebhookDeps {
  readonly registry: PlatformRegistry;
  readonly secrets: WebhookSecretProvider;
  readonly queue: IntakeQueue;
  readonly clock: Clock;
  readonly config: CompanyConfig;
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
  /** Events that are not mentions, with their reasons: the caller logs and counts them. */
  readonly ignored: readonly IgnoredEvent[];
}

/**
 * Receives one webhook request of a platform.
 *
 * 1. find the platform's adapter (unknown or not enabled for the company: NotFoundError)
 * 2. refuse a body over `maxBodyBytes` (PayloadTooLargeError)
 * 3. GET: answer the platform's handshake with the company's secret
 * 4. POST: verify the signature over the raw body, parse it into mentions, enqueue every
 *    mention, answer 200 with the counts
 *
 * @throws NotFoundError, PayloadTooLargeError, ValidationError (malformed body or another
 *   method), SignatureError (nothing is enqueued); any error of the secret provider or the
 *   queue propagates, so the request fails and the platform delivers it again
 */
export async function receiveWebhook(input: ReceiveWebhookInput, deps: ReceiveWebhookDeps): Promise<WebhookOutcome> {
  const adapter = deps.registry.get(input.platformId);
  if (!adapter) throw new NotFoundError(`no webhook for platform "${input.platformId.slice(0, 40)}"`);
  if (!adapter.isEnabled(deps.config)) throw new NotFoundError(`platform "${adapter.id}" is not enabled for this company`);

  const { request } = input;
  if (request.body.length > deps.maxBodyBytes) throw new PayloadTooLargeError(deps.maxBodyBytes, request.body.length);

  if (request.method === 'GET') {
    const secret = await deps.secrets.secretFor(adapter.id);
    return { response: adapter.handshake(request, secret), enqueued: 0, ignored: [] };
  }
  if (request.method !== 'POST') throw new ValidationError(`method ${request.method} is not supported; use GET or POST`);

  const secret = await deps.secrets.secretFor(adapter.id);
  adapter.verify(request, secret);
  const { mentions, ignored } = adapter.parse(request.body, { config: deps.config, receivedAt: deps.clock.now() });
  if (mentions.length > 0) await deps.queue.enqueue(mentions);
  return {
    response: {
      statusCode: 200,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ enqueued: mentions.length, ignored: ignored.length }),
    },
    enqueued: mentions.length,
    ignored,
  };
}
