import { CompanyConfigSchema, type CompanyConfig } from '../../shared/config/schema.ts';
import { demoConfig } from './config.ts';

export const DEMO_CHANNEL_ID = 'UCq7dZ8r2W5kPjB0Xh3mQ9sA';
export const DEMO_MASTODON_ACCOUNT_ID = '109999000000000001';
export const DEMO_BLUESKY_DID = 'did:plc:rdwk4hansen7demo2xq3vbnm';

/**
 * The demo config with the three pollers enabled, parsed as a company file would be;
 * `baseUrl` points every platform at one local replay server.
 */
export function configWithPollers(baseUrl?: string): CompanyConfig {
  const demo = demoConfig();
  return CompanyConfigSchema.parse({
    ...demo,
    platforms: {
      ...demo.platforms,
      youtube: {
        channelIds: [DEMO_CHANNEL_ID],
        pollComments: true,
        ...(baseUrl ? { apiBaseUrl: `${baseUrl}/youtube/v3` } : {}),
      },
      mastodon: {
        instanceUrl: baseUrl ? `${baseUrl}/mastodon` : 'https://mastodon.social',
        accountId: DEMO_MASTODON_ACCOUNT_ID,
      },
      bluesky: { handle: 'radwerkhansen.bsky.social', ...(baseUrl ? { serviceUrl: `${baseUrl}/bsky` } : {}) },
    },
  });
}
