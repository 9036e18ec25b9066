import { z } from 'zod';
import { HttpJsonClient } from '../../shared/adapters/http-json.ts';
import { HttpMastodonApi } from '../../shared/adapters/pollers/platform-apis.ts';
import { createPollerHandler, pollerBase, type PollerDeps } from '../../shared/adapters/pollers/poller-handler.ts';
import { PollerSecret } from '../../shared/adapters/pollers/poller-secret.ts';
import { lambdaEnvironment, type FunctionEnv } from '../../shared/config/runtime-env.ts';
import { PollerConfigError } from '../../shared/pollers/errors.ts';
import { mastodonFeed } from '../../shared/pollers/mastodon.ts';

const MastodonSecretSchema = z.object({ accessToken: z.string().min(1) });

/**
 * poll-mastodon: the mention notifications of the company's account
 * (`GET /api/v1/notifications?types[]=mention`).
 * @throws PollerConfigError when Mastodon is not configured
 */
export function dependenciesFrom(env: FunctionEnv): PollerDeps {
  const base = pollerBase(env);
  const mastodon = base.config.platforms.mastodon;
  if (!mastodon?.enabled) throw new PollerConfigError('poll-mastodon needs platforms.mastodon with enabled: true');
  const secret = new PollerSecret(base.secrets, base.secretName, MastodonSecretSchema, '{"accessToken": "..."}');
  const api = new HttpMastodonApi(new HttpJsonClient({ platform: 'mastodon' }), {
    instanceUrl: mastodon.instanceUrl,
    accessToken: async () => (await secret.get()).accessToken,
  });
  return {
    feeds: [
      mastodonFeed(api, {
        instanceUrl: mastodon.instanceUrl,
        ...(mastodon.accountId ? { ownAccountId: mastodon.accountId } : {}),
        clock: base.poll.clock,
      }),
    ],
    poll: { ...base.poll, backfillHours: mastodon.backfillHours },
    invalidateCredentials: () => secret.invalidate(),
  };
}

export const createHandler = (env: FunctionEnv) => createPollerHandler('mastodon', env, dependenciesFrom);

export const handler = createHandler(lambdaEnvironment());
