import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { MentionSchema } from '../../../shared/domain/mention.ts';
import { blueskyPage } from '../../../shared/pollers/bluesky.ts';
import { PlatformRequestError } from '../../../shared/pollers/errors.ts';
import { htmlToText } from '../../../shared/pollers/html-text.ts';
import { mastodonPage } from '../../../shared/pollers/mastodon.ts';
import { youtubePage } from '../../../shared/pollers/youtube.ts';

const fixture = (path: string): unknown =>
  JSON.parse(readFileSync(new URL(`../../fixtures/${path}`, import.meta.url), 'utf8'));
const receivedAt = new Date('2025-11-28T12:00:00Z');
const CHANNEL = 'UCq7dZ8r2W5kPjB0Xh3mQ9sA';
const OWN_DID = 'did:plc:rdwk4hansen7demo2xq3vbnm';

describe('youtubePage', () => {
  it('turns each comment thread into its top-level comment and included replies, valid Mentions', () => {
    // Act
    const page = youtubePage(fixture('youtube/comment-threads-page-1.json'), {
      channelId: CHANNEL,
      ownChannelIds: [CHANNEL],
      receivedAt,
    });

    // Assess
    const mentions = page.items.flatMap((i) => i.mentions);
    for (const m of mentions) MentionSchema.parse(m);
    expect(page.nextPageToken).toBe('QURTSl9pMlQ2Y0xLcjFwM2V0ZWk0N3RfY0FBWE15ZnZf');
    expect(page.items.map((i) => i.position)).toEqual([
      { at: '2025-11-28T10:15:00.000Z', id: 'UgzA7mK2pX9qR4tY1vB4AaABAg' },
      { at: '2025-11-28T09:02:11.000Z', id: 'UgxB3nL8sW2eD6fG0hJ4AaABAg' },
    ]);
    expect(mentions[0]).toEqual({
      id: 'youtube:UgzA7mK2pX9qR4tY1vB4AaABAg',
      platform: 'youtube',
      kind: 'comment',
      externalId: 'UgzA7mK2pX9qR4tY1vB4AaABAg',
      threadId: 'Rdw3kYq9t1E',
      inReplyTo: 'Rdw3kYq9t1E',
      accountId: CHANNEL,
      author: { id: 'UCk1a2t3i4F5a6e7h8r9t0AB', name: '@kati_faehrt', handle: '@kati_faehrt' },
      text: 'Mein Stadtflitzer quietscht seit dem Service, die Bremse schleift. Wer hilft?',
      isOwnAccount: false,
      rawType: 'youtube.commentThread',
      createdAt: '2025-11-28T10:15:00.000Z',
      receivedAt: '2025-11-28T12:00:00.000Z',
      url: 'https://www.youtube.com/watch?v=Rdw3kYq9t1E&lc=UgzA7mK2pX9qR4tY1vB4AaABAg',
      // The fixture's likeCount / favourites, reblogs and replies (all 0): the reactions insights rank by.
      reactions: 0,
    });
  });

  it("marks the company channel's reply as its own, in reply to the top-level comment", () => {
    // Act
    const page = youtubePage(fixture('youtube/comment-threads-page-1.json'), {
      channelId: CHANNEL,
      ownChannelIds: [CHANNEL],
      receivedAt,
    });

    // Assess
    expect(page.items[0]?.mentions[1]).toMatchObject({
      externalId: 'UgzA7mK2pX9qR4tY1vB4AaABAg.AB12cd34EF5',
      isOwnAccount: true,
      inReplyTo: 'UgzA7mK2pX9qR4tY1vB4AaABAg',
      threadId: 'Rdw3kYq9t1E',
      rawType: 'youtube.commentThread.reply',
    });
  });

  it('refuses a body that is not a commentThreadListResponse with a permanent PlatformRequestError', () => {
    // Act
    const parse = () =>
      youtubePage(
        { kind: 'youtube#videoListResponse', items: [] },
        { channelId: CHANNEL, ownChannelIds: [], receivedAt },
      );

    // Assess
    expect(parse).toThrow(PlatformRequestError);
    expect(parse).toThrow(
      'youtube: commentThreads.list answered a body that is not the documented shape (check: kind)',
    );
  });
});

describe('mastodonPage', () => {
  it('turns the documented mention notification (streaming example, as a list) into a Mention with plain text, handle and no language', () => {
    // Act
    const page = mastodonPage([fixture('mastodon/notification-mention.official.json')], {
      ownAccountId: '109999000000000001',
      accountId: '109999000000000001',
      receivedAt,
    });

    // Assess
    const mention = MentionSchema.parse(page.items[0]?.mentions[0]);
    expect(mention).toEqual({
      id: 'mastodon:108914343542683797',
      platform: 'mastodon',
      kind: 'mention',
      externalId: '108914343542683797',
      threadId: '108914343542683797',
      accountId: '109999000000000001',
      author: { id: '108892712797543112', handle: 'a@pl.nulled.red', name: 'a', followers: 0 },
      text: '@trwnh test',
      isOwnAccount: false,
      rawType: 'mastodon.notification.mention',
      createdAt: '2022-08-30T23:09:52.359Z',
      receivedAt: '2025-11-28T12:00:00.000Z',
      url: 'https://pl.nulled.red/objects/64b196c6-3bc5-44d5-8ffb-f760235ee6ca',
      // The fixture's likeCount / favourites, reblogs and replies (all 0): the reactions insights rank by.
      reactions: 0,
    });
    expect(page.nextPageToken).toBe('68739215');
  });

  it('keeps the content warning, the reply, the language and the follower count; ignores a favourite; marks the own status', () => {
    // Act
    const page = mastodonPage(fixture('mastodon/notifications-page-1.json'), {
      ownAccountId: '109999000000000001',
      accountId: '109999000000000001',
      receivedAt,
    });

    // Assess
    const [reply, favourite, own] = page.items;
    expect(reply?.mentions[0]).toMatchObject({
      text: 'Ärger\n\n@radwerkhansen Die Lieferung meines Lastenrads ist seit 3 Wochen "in Bearbeitung" & niemand antwortet.\n\nWas ist da los?',
      inReplyTo: '108917000000000001',
      threadId: '108917000000000001',
      language: 'de',
      author: { handle: 'jana@chaos.social', followers: 1873 },
      isOwnAccount: false,
    });
    expect(favourite).toMatchObject({ mentions: [], ignoredReason: 'notification type "favourite" is not a mention' });
    expect(own?.mentions[0]?.isOwnAccount).toBe(true);
  });
});

describe('blueskyPage', () => {
  it('turns reply, mention and quote notifications into Mentions and ignores a like', () => {
    // Act
    const first = blueskyPage(fixture('bluesky/list-notifications-page-1.json'), { ownDid: OWN_DID, receivedAt });
    const second = blueskyPage(fixture('bluesky/list-notifications-page-2.json'), { ownDid: OWN_DID, receivedAt });

    // Assess
    const [reply, like, mention] = first.items;
    for (const m of [...first.items, ...second.items].flatMap((i) => i.mentions)) MentionSchema.parse(m);
    expect(reply?.mentions[0]).toEqual({
      id: 'bluesky:at://did:plc:mia7velo2k4xq9z3lwe8rt5d/app.bsky.feed.post/3lbyrep1ly2x',
      platform: 'bluesky',
      kind: 'comment',
      externalId: 'at://did:plc:mia7velo2k4xq9z3lwe8rt5d/app.bsky.feed.post/3lbyrep1ly2x',
      threadId: `at://${OWN_DID}/app.bsky.feed.post/3lbxownpost2a`,
      inReplyTo: `at://${OWN_DID}/app.bsky.feed.post/3lbxownpost2a`,
      accountId: OWN_DID,
      author: { id: 'did:plc:mia7velo2k4xq9z3lwe8rt5d', handle: 'mia.velo.bsky.social', name: 'Mia' },
      text: 'Mein Stadtflitzer ist nach 2 Tagen schon kaputt, der Akku lädt nicht mehr.',
      language: 'de',
      isOwnAccount: false,
      rawType: 'bluesky.notification.reply',
      createdAt: '2025-11-28T11:20:03.512Z',
      receivedAt: '2025-11-28T12:00:00.000Z',
      url: 'https://bsky.app/profile/mia.velo.bsky.social/post/3lbyrep1ly2x',
    });
    expect(like).toMatchObject({ mentions: [], ignoredReason: 'reason "like" is not a mention' });
    expect(mention?.mentions[0]).toMatchObject({
      kind: 'mention',
      rawType: 'bluesky.notification.mention',
      threadId: mention?.position.id,
    });
    expect(second.items[0]?.mentions[0]).toMatchObject({
      kind: 'mention',
      inReplyTo: `at://${OWN_DID}/app.bsky.feed.post/3lbxownpost2a`,
    });
    expect(first.nextPageToken).toBe('2025-11-28T09:41:10.654Z');
  });

  it('ends the listing at an empty page even when a cursor comes with it', () => {
    // Act
    const page = blueskyPage({ cursor: 'abc', notifications: [] }, { ownDid: OWN_DID, receivedAt });

    // Assess
    expect(page).toEqual({ items: [] });
  });
});

describe('htmlToText', () => {
  it('turns paragraphs and line breaks into newlines and decodes entities', () => {
    // Act
    const text = htmlToText('<p>Hallo &amp; danke!<br />Zeile&#32;2 &#x1F6B2;</p><p>&lt;Ende&gt;</p>');

    // Assess
    expect(text).toBe('Hallo & danke!\nZeile 2 🚲\n\n<Ende>');
  });
});
