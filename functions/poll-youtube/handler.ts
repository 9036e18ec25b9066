import { z } from 'zod';
import { HttpJsonClient } from '../../shared/adapters/http-json.ts';
import { HttpYouTubeApi } from '../../shared/adapters/pollers/platform-apis.ts';
import { createPollerHandler, pollerBase, type PollerDeps } from '../../shared/adapters/pollers/poller-handler.ts';
import { PollerSecret } from '../../shared/adapters/pollers/poller-secret.ts';
import { lambdaEnvironment, type FunctionEnv } from '../../shared/config/runtime-env.ts';
import { PollerConfigError } from '../../shared/pollers/errors.ts';
import { youtubeFeed } from '../../shared/pollers/youtube.ts';

const YouTubeSecretSchema = z.object({ apiKey: z.string().min(1) });

/**
 * poll-youtube: the comment threads of the company's channels (Data API
 * `commentThreads.list`, `allThreadsRelatedToChannelId`), one cursor per channel.
 * @throws PollerConfigError when comment polling is not configured
 */
export function dependenciesFrom(env: FunctionEnv): PollerDeps {
  const base = pollerBase(env);
  const youtube = base.config.platforms.youtube;
  if (!youtube?.enabled || !youtube.pollComments || youtube.channelIds.length === 0) {
    throw new PollerConfigError(
      'poll-youtube needs platforms.youtube with pollComments: true and at least one channel id',
    );
  }
  const secret = new PollerSecret(base.secrets, base.secretName, YouTubeSecretSchema, '{"apiKey": "..."}');
  const api = new HttpYouTubeApi(new HttpJsonClient({ platform: 'youtube' }), {
    baseUrl: youtube.apiBaseUrl,
    apiKey: async () => (await secret.get()).apiKey,
  });
  return {
    feeds: youtube.channelIds.map((channelId) =>
      youtubeFeed(api, { channelId, ownChannelIds: youtube.channelIds, clock: base.poll.clock }),
    ),
    poll: { ...base.poll, backfillHours: youtube.backfillHours },
    invalidateCredentials: () => secret.invalidate(),
  };
}

export const createHandler = (env: FunctionEnv) => createPollerHandler('youtube', env, dependenciesFrom);

export const handler = createHandler(lambdaEnvironment());
