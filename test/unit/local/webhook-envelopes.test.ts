import { describe, expect, it } from 'vitest';
import { buildWebhook, EnvelopeError } from '../../../infra/local/webhook-envelopes.ts';
import type { CompanyConfig } from '../../../shared/config/schema.ts';
import { platformRegistry } from '../../../shared/platforms/registry.ts';
import { demoConfig } from '../../factories/config.ts';

const NOW = new Date('2026-11-28T09:15:00.000Z');
const TEXT = 'Seit drei Wochen keine Antwort vom Service – enttäuschend!';

/** Parses a built body with the platform's own adapter, as the ingest function does. */
function parsed(config: CompanyConfig, built: ReturnType<typeof buildWebhook>) {
  const adapter = platformRegistry.get(built.platform);
  if (!adapter) throw new Error(`no adapter ${built.platform}`);
  return adapter.parse(Buffer.from(built.body, 'utf8'), {
    config,
    receivedAt: NOW,
    ...(built.params ? { params: built.params } : {}),
  });
}

describe('buildWebhook', () => {
  const config = demoConfig();

  it.each([
    // LinkedIn's notifications name the author by URN only.
    ['meta', 'facebook', '104729381726354', 'Erika Muster'],
    ['x', 'x', '1529483711625383936', 'Erika Muster'],
    ['linkedin', 'linkedin', 'urn:li:organization:80412573', undefined],
    ['generic', 'generic', 'trustpilot', 'Erika Muster'],
  ])(
    'builds a %s envelope that its adapter parses into one %s mention with the text, for the company account',
    (platform, mentionPlatform, account, authorName) => {
      // Act
      const built = buildWebhook(platform, {
        config,
        text: TEXT,
        author: 'Erika Muster',
        now: NOW,
        itemId: '1795857300000123',
      });
      const result = parsed(config, built);

      // Assess
      expect(result.ignored).toEqual([]);
      expect(result.mentions).toHaveLength(1);
      expect(result.mentions[0]).toMatchObject({
        id: built.mentionId,
        platform: mentionPlatform,
        accountId: account,
        text: TEXT,
        isOwnAccount: false,
      });
      expect(result.mentions[0]?.author.name).toBe(authorName);
    },
  );

  it('builds a YouTube video notification whose title is the text and a TikTok publish event of the company account', () => {
    // Act
    const video = parsed(
      config,
      buildWebhook('youtube', { config, text: 'Probefahrt <Stadtflitzer> & mehr', now: NOW }),
    );
    const post = parsed(
      config,
      buildWebhook('tiktok', { config, text: TEXT, now: NOW, itemId: '7441234567890123999' }),
    );

    // Assess
    expect(video.mentions).toEqual([
      expect.objectContaining({
        platform: 'youtube',
        accountId: 'UCRadwerkHansenDemo12345',
        text: 'Probefahrt <Stadtflitzer> & mehr',
      }),
    ]);
    expect(post.mentions).toEqual([
      expect.objectContaining({ id: 'tiktok:7441234567890123999', accountId: 'act.radwerkhansen0demo0000000000000' }),
    ]);
  });

  it.each([
    ['meta', { platform: 'facebook', threadId: '104729381726354_1311122233344455' }],
    ['meta', { platform: 'instagram', threadId: '17990011223344551' }],
    ['x', { platform: 'x', threadId: '1994651002114248704' }],
    ['linkedin', { platform: 'linkedin', threadId: 'urn:li:share:7269100000000000001' }],
    ['generic', { platform: 'generic', threadId: 'kontaktformular:form-1' }],
  ] as const)('makes a %s reply part of the thread it answers (%o)', (platform, replyTo) => {
    // Act
    const built = buildWebhook(platform, { config, text: TEXT, replyTo, now: NOW });
    const result = parsed(config, built);

    // Assess
    expect(result.mentions).toEqual([
      expect.objectContaining({ id: built.mentionId, platform: replyTo.platform, threadId: replyTo.threadId }),
    ]);
  });

  it('gives the same author the same id, and a handle as the handle', () => {
    // Act
    const a = parsed(
      config,
      buildWebhook('x', { config, text: 'eins', author: '@kiel_radlerin', now: NOW, itemId: '1' }),
    );
    const b = parsed(
      config,
      buildWebhook('x', { config, text: 'zwei', author: '@kiel_radlerin', now: NOW, itemId: '2' }),
    );

    // Assess
    expect(a.mentions[0]?.author).toMatchObject({ handle: 'kiel_radlerin' });
    expect(a.mentions[0]?.author.id).toBe(b.mentions[0]?.author.id);
  });

  it('refuses a platform the company has not enabled, naming the enabled ones', () => {
    // Arrange
    const noX: CompanyConfig = {
      ...config,
      platforms: { ...config.platforms, x: { ...config.platforms.x!, enabled: false } },
    };

    // Act
    const act = () => buildWebhook('x', { config: noX, text: TEXT, now: NOW });

    // Assess
    expect(act).toThrow(EnvelopeError);
    expect(act).toThrow('x is not enabled for demo; enabled: meta, linkedin, youtube, tiktok, generic');
  });

  it('refuses a reply on another platform than the case, and a reply on YouTube', () => {
    // Act
    const acrossPlatforms = () =>
      buildWebhook('x', { config, text: TEXT, replyTo: { platform: 'facebook', threadId: '1_2' }, now: NOW });
    const onYouTube = () =>
      buildWebhook('youtube', { config, text: TEXT, replyTo: { platform: 'youtube', threadId: 'v1' }, now: NOW });

    // Assess
    expect(acrossPlatforms).toThrow("the case is on facebook, not x: a reply goes to the case's platform");
    expect(onYouTube).toThrow('--reply-to does not apply');
  });

  it('refuses a platform for which the company config names no account', () => {
    // Arrange
    const noPages: CompanyConfig = {
      ...config,
      platforms: { ...config.platforms, meta: { ...config.platforms.meta!, pageIds: [] } },
    };

    // Act
    const act = () => buildWebhook('meta', { config: noPages, text: TEXT, now: NOW });

    // Assess
    expect(act).toThrow('demo has no platforms.meta.pageIds in its config');
  });
});
