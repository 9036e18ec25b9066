import { z } from 'zod';
import { HttpJsonClient } from '../../shared/adapters/http-json.ts';
import { HttpBlueskyApi } from '../../shared/adapters/pollers/platform-apis.ts';
import { createPollerHandler, pollerBase, type PollerDeps } from '../../shared/adapters/pollers/poller-handler.ts';
import { PollerSecret } from '../../shared/adapters/pollers/poller-secret.ts';
import { lambdaEnvironment, type FunctionEnv } from '../../shared/config/runtime-env.ts';
import { blueskyFeed } from '../../shared/pollers/bluesky.ts';
import { PollerConfigError } from '../../shared/pollers/errors.ts';

const BlueskySecretSchema = z.object({ appPassword: z.string().min(1) });

/**
 * poll-bluesky: the mention, reply and quote notifications of the company's account
 * (`app.bsky.notification.listNotifications`), signed in with an app password.
 * @throws PollerConfigError when Bluesky is not configured
 */
export function dependenciesFrom(env: FunctionEnv): PollerDeps {
  const base = pollerBase(env);
  const bluesky = base.config.platforms.bluesky;
  if (!bluesky?.enabled) throw new PollerConfigError('poll-bluesky needs platforms.bluesky with enabled: true');
  const secret = new PollerSecret(base.secrets, base.secretName, BlueskySecretSchema, '{"appPassword": "..."}');
  const api = new HttpBlueskyApi(new HttpJsonClient({ platform: 'bluesky' }), {
    serviceUrl: bluesky.serviceUrl,
    identifier: bluesky.did ?? bluesky.handle,
    appPassword: async () => (await secret.get()).appPassword,
  });
  return {
    feeds: [
      blueskyFeed(api, {
        handle: bluesky.handle,
        ...(bluesky.did ? { did: bluesky.did } : {}),
        clock: base.poll.clock,
      }),
    ],
    poll: { ...base.poll, backfillHours: bluesky.backfillHours },
    invalidateCredentials: () => secret.invalidate(),
  };
}

export const createHandler = (env: FunctionEnv) => createPollerHandler('bluesky', env, dependenciesFrom);

export const handler = createHandler(lambdaEnvironment());
