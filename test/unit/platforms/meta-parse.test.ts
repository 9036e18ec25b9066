import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../shared/domain/errors.ts';
import { MentionSchema } from '../../../shared/domain/mention.ts';
import { metaAdapter } from '../../../shared/platforms/meta.ts';
import { UNKNOWN_AUTHOR_ID, isoTime } from '../../../shared/platforms/meta-normalize.ts';
import type { ParseContext } from '../../../shared/platforms/platform-adapter.ts';
import { demoConfig } from '../../factories/config.ts';
import { DEMO_PAGE_ID, metaCommentsBody, metaFeedCommentChange, metaFixture } from '../../factories/http.ts';

const RECEIVED_AT = '2026-11-28T09:15:02.000Z';
const context: ParseContext = { config: demoConfig(), receivedAt: new Date(RECEIVED_AT) };
const DEMO_IG_ID = '17841405726653026';

const parse = (body: Buffer | string) => metaAdapter.parse(Buffer.isBuffer(body) ? body : Buffer.from(body), context);

describe('metaAdapter.parse: Facebook Page', () => {
  it('turns a feed comment into a comment under its post', () => {
    // Arrange
    const body = metaFixture('page-feed-comment-add.restfb.json');

    // Act
    const result = parse(body);

    // Assess
    expect(result.ignored).toEqual([]);
    expect(result.mentions).toEqual([
      {
        id: 'facebook:901097836652708_903438993085259',
        platform: 'facebook',
        rawType: 'page.feed',
        kind: 'comment',
        externalId: '901097836652708_903438993085259',
        threadId: '1234567890321_901097836652708',
        inReplyTo: '1234567890321_901097836652708',
        accountId: '1234567890321',
        author: { id: '1234567890321', name: 'Tester' },
        text: 'and the next one',
        isOwnAccount: true,
        createdAt: '2015-12-03T09:30:03.000Z',
        receivedAt: RECEIVED_AT,
      },
    ]);
  });

  it('marks a comment written by the Page it was sent for as isOwnAccount', () => {
    // Arrange: in this sample the author's id is the entry's (the Page's) id.
    const body = metaFixture('page-feed-comment-add.restfb.json');

    // Act
    const [mention] = parse(body).mentions;

    // Assess
    expect(mention?.isOwnAccount).toBe(true);
  });

  it('turns a visitor post into a post that is its own thread', () => {
    // Arrange
    const body = metaFixture('page-feed-visitor-post.json');

    // Act
    const { mentions } = parse(body);

    // Assess
    expect(mentions).toEqual([
      expect.objectContaining({
        kind: 'post',
        externalId: `${DEMO_PAGE_ID}_1223334445556667`,
        threadId: `${DEMO_PAGE_ID}_1223334445556667`,
        author: { id: '5550002', name: 'Kurt Beispiel' },
        text: 'Ich suche zehn Lastenräder für unseren Lieferdienst. Wer berät mich?',
        isOwnAccount: false,
        createdAt: '2025-11-28T09:16:38.000Z',
      }),
    ]);
  });

  it('turns a mention in a post into a mention whose author is unknown when Meta does not name the sender', () => {
    // Arrange
    const body = metaFixture('page-mention-post-add.restfb.json');

    // Act
    const { mentions, ignored } = parse(body);

    // Assess
    expect(ignored).toEqual([]);
    expect(mentions).toEqual([
      {
        id: 'facebook:1234567890321_98722536423179',
        platform: 'facebook',
        rawType: 'page.mention',
        kind: 'mention',
        externalId: '1234567890321_98722536423179',
        threadId: '1234567890321_98722536423179',
        accountId: '1234567890321',
        author: { id: UNKNOWN_AUTHOR_ID },
        text: 'A test post message',
        isOwnAccount: false,
        createdAt: '2021-02-26T11:56:02.000Z',
        receivedAt: RECEIVED_AT,
      },
    ]);
  });

  it('turns a mention in a comment into a mention threaded under its post, with its sender', () => {
    // Arrange
    const body = metaFixture('page-mention-comment.json');

    // Act
    const { mentions } = parse(body);

    // Assess
    expect(mentions).toEqual([
      expect.objectContaining({
        kind: 'mention',
        externalId: '998877665544332_112233445566778',
        threadId: '998877665544332_887766554433221',
        inReplyTo: '998877665544332_887766554433221',
        author: { id: '5550004', name: 'Hamburger Abendblatt Redaktion' },
        text: 'Wir schreiben über Radwerk Hansen und hätten gern ein Statement.',
      }),
    ]);
  });

  it('turns a review with text into a rating', () => {
    // Arrange
    const body = metaFixture('page-ratings-review.json');

    // Act
    const { mentions } = parse(body);

    // Assess
    expect(mentions).toEqual([
      expect.objectContaining({
        id: 'facebook:3344556677889900',
        kind: 'review',
        threadId: '3344556677889900',
        author: { id: '5550005', name: 'Jens Kritisch' },
        text: 'Reparatur dauert seit sechs Wochen, niemand ruft zurück.',
      }),
    ]);
  });

  it('decodes \\uXXXX escapes, surrogate pairs included, into the text', () => {
    // Arrange
    const body = metaFixture('page-feed-comment-non-ascii.json');

    // Act
    const [mention] = parse(body).mentions;

    // Assess
    expect(mention?.text).toBe('Grüße aus Köln 🚲 — tolle Räder!');
    expect(mention?.author.name).toBe('Jürgen Öztürk');
  });

  it('ignores a reaction with its reason', () => {
    // Arrange
    const body = metaFixture('page-feed-reaction.json');

    // Act
    const result = parse(body);

    // Assess
    expect(result.mentions).toEqual([]);
    expect(result.ignored).toEqual([
      {
        reason: "feed reaction with verb 'add' is not a mention",
        object: 'page',
        entryId: DEMO_PAGE_ID,
        field: 'feed',
        item: 'reaction',
        verb: 'add',
      },
    ]);
  });

  it('turns a Messenger text message into a message in the conversation with its sender', () => {
    // Arrange
    const body = metaFixture('messenger-text-message.json');

    // Act
    const result = parse(body);

    // Assess
    expect(result.ignored).toEqual([]);
    expect(result.mentions).toEqual([
      expect.objectContaining({
        platform: 'facebook',
        kind: 'message',
        externalId: 'mid.1457764197618:41d102a3e1ae206a38',
        text: 'hello, world!',
        rawType: 'page.messaging',
        isOwnAccount: false,
        createdAt: '2016-03-23T00:25:52.478Z',
      }),
    ]);
    expect(result.mentions[0]?.threadId).toBe(`dm:${result.mentions[0]?.author.id}`);
  });

  it('normalizes every change of every entry of a mixed batch, owning the Page by config too', () => {
    // Arrange
    const body = metaFixture('page-batch-mixed.json');

    // Act
    const { mentions, ignored } = parse(body);

    // Assess
    expect(mentions.map((m) => [m.externalId, m.kind, m.isOwnAccount])).toEqual([
      ['1223334445556667_8001', 'comment', false],
      ['1223334445556667_8002', 'comment', false],
      ['1223334445556667_8003', 'comment', true],
      [`${DEMO_PAGE_ID}_1223334445559999`, 'post', false],
      ['5550014_4455667788', 'mention', false],
      ['1223334445550000_9001', 'comment', true],
    ]);
    expect(mentions.find((m) => m.externalId === '1223334445556667_8003')?.inReplyTo).toBe('1223334445556667_8001');
    expect(ignored.map((i) => i.reason)).toEqual([
      "feed reaction with verb 'add' is not a mention",
      "feed comment with verb 'remove' is not a mention",
      'rating without review text',
      "page field 'name' is not handled",
    ]);
  });

  it('keeps all 1000 changes of a maximal delivery: none lost', () => {
    // Arrange
    const body = metaCommentsBody(40, 25);

    // Act
    const { mentions, ignored } = parse(body);

    // Assess
    expect(mentions).toHaveLength(1000);
    expect(ignored).toEqual([]);
    expect(new Set(mentions.map((m) => m.id)).size).toBe(1000);
  });

  it('produces mentions that all satisfy the Mention schema', () => {
    // Arrange
    const bodies = [
      'page-feed-comment-add.restfb.json',
      'page-mention-post-add.restfb.json',
      'page-mention-comment.json',
      'page-feed-visitor-post.json',
      'page-ratings-review.json',
      'page-batch-mixed.json',
      'instagram-comments-ig-login.json',
      'instagram-comments-fb-login.json',
      'instagram-mention-in-media.json',
      'instagram-mention-in-comment.json',
    ].map(metaFixture);

    // Act
    const mentions = bodies.flatMap((b) => parse(b).mentions);

    // Assess
    expect(mentions).toHaveLength(15);
    for (const mention of mentions) expect(MentionSchema.safeParse(mention).success).toBe(true);
  });

  it('falls back to the entry time when a change has no created_time', () => {
    // Arrange
    const change = metaFeedCommentChange(1, { created_time: undefined });
    const body = JSON.stringify({ object: 'page', entry: [{ id: DEMO_PAGE_ID, time: 1764322000, changes: [change] }] });

    // Act
    const [mention] = parse(body).mentions;

    // Assess
    expect(mention?.createdAt).toBe('2025-11-28T09:26:40.000Z');
  });

  it('ignores a change whose value has an unexpected shape, and keeps its siblings', () => {
    // Arrange
    const body = JSON.stringify({
      object: 'page',
      entry: [
        {
          id: DEMO_PAGE_ID,
          time: 1764322000,
          changes: [{ field: 'feed', value: { verb: 'add' } }, metaFeedCommentChange(2)],
        },
      ],
    });

    // Act
    const { mentions, ignored } = parse(body);

    // Assess
    expect(mentions).toHaveLength(1);
    expect(ignored).toEqual([
      expect.objectContaining({ reason: expect.stringMatching(/^unexpected page feed value: item /) }),
    ]);
  });
});

describe('metaAdapter.parse: Instagram', () => {
  it('turns a comment (Business Login for Instagram) into a comment on its media', () => {
    // Arrange
    const body = metaFixture('instagram-comments-ig-login.json');

    // Act
    const { mentions, ignored } = parse(body);

    // Assess
    expect(ignored).toEqual([]);
    expect(mentions).toEqual([
      {
        id: 'instagram:17865799348089039',
        platform: 'instagram',
        rawType: 'instagram.comments',
        kind: 'comment',
        externalId: '17865799348089039',
        threadId: '17918195224117851',
        inReplyTo: '17918195224117851',
        accountId: DEMO_IG_ID,
        author: { id: '1150213782962171', handle: 'radfahrerin_hh' },
        text: 'Wann gibt es den Stadtflitzer wieder in Blau?',
        isOwnAccount: false,
        createdAt: '2025-11-28T09:15:00.000Z',
        receivedAt: RECEIVED_AT,
      },
    ]);
  });

  it('reads the comment id of Facebook Login payloads and keeps a reply under its parent comment', () => {
    // Arrange
    const body = metaFixture('instagram-comments-fb-login.json');

    // Act
    const [mention] = parse(body).mentions;

    // Assess
    expect(mention).toMatchObject({
      externalId: '17872233445566778',
      threadId: '17918195224117851',
      inReplyTo: '17865799348089039',
      author: { id: '1150213782962172', handle: 'lastenrad_lotte' },
    });
  });

  it('turns a mention in a caption into a mention of the media, with no text and no author', () => {
    // Arrange
    const body = metaFixture('instagram-mention-in-media.json');

    // Act
    const { mentions } = parse(body);

    // Assess
    expect(mentions).toEqual([
      {
        id: 'instagram:17918195224117851',
        platform: 'instagram',
        rawType: 'instagram.mentions',
        kind: 'mention',
        externalId: '17918195224117851',
        threadId: '17918195224117851',
        accountId: DEMO_IG_ID,
        author: { id: UNKNOWN_AUTHOR_ID },
        text: '',
        isOwnAccount: false,
        createdAt: '2018-03-09T19:16:08.000Z',
        receivedAt: RECEIVED_AT,
      },
    ]);
  });

  it('turns a mention in a comment into a mention of that comment, threaded under the media', () => {
    // Arrange
    const body = metaFixture('instagram-mention-in-comment.json');

    // Act
    const [mention] = parse(body).mentions;

    // Assess
    expect(mention).toMatchObject({
      id: 'instagram:17894227972186120',
      kind: 'mention',
      externalId: '17894227972186120',
      threadId: '17918195224117851',
      inReplyTo: '17918195224117851',
      text: '',
    });
  });

  it('marks a comment by the company Instagram account as isOwnAccount', () => {
    // Arrange
    const body = JSON.stringify({
      object: 'instagram',
      entry: [
        {
          id: DEMO_IG_ID,
          time: 1764321300,
          changes: [
            {
              field: 'comments',
              value: {
                id: '1789',
                from: { id: DEMO_IG_ID, username: 'radwerkhansen' },
                text: 'Danke!',
                media: { id: '1791' },
              },
            },
          ],
        },
      ],
    });

    // Act
    const [mention] = parse(body).mentions;

    // Assess
    expect(mention?.isOwnAccount).toBe(true);
  });

  it('accepts a single envelope as well as a list of envelopes', () => {
    // Arrange
    const list = metaFixture('instagram-mention-in-media.json');
    const single = JSON.stringify(JSON.parse(list.toString('utf8'))[0]);

    // Act
    const fromList = parse(list).mentions;
    const fromSingle = parse(single).mentions;

    // Assess
    expect(fromSingle).toEqual(fromList);
  });

  it('ignores an unknown Instagram field with its reason', () => {
    // Arrange
    const body = JSON.stringify({
      object: 'instagram',
      entry: [{ id: DEMO_IG_ID, time: 1, changes: [{ field: 'story_insights', value: {} }] }],
    });

    // Act
    const { ignored } = parse(body);

    // Assess
    expect(ignored).toEqual([
      {
        reason: "instagram field 'story_insights' is not handled",
        object: 'instagram',
        entryId: DEMO_IG_ID,
        field: 'story_insights',
      },
    ]);
  });
});

describe('metaAdapter.parse: what is not a mention or not a body', () => {
  it('ignores an object it does not handle (user photos) with its reason', () => {
    // Arrange
    const body = metaFixture('graph-getting-started-user-photos.json');

    // Act
    const result = parse(body);

    // Assess
    expect(result).toEqual({
      mentions: [],
      deletions: [],
      revocations: [],
      ignored: [
        { reason: "object 'user' is not handled", object: 'user', entryId: '10210299214172187', field: 'photos' },
      ],
    });
  });

  it('throws ValidationError for a body that is not JSON, without quoting it', () => {
    // Arrange
    const body = 'secretish{not json';

    // Act
    const run = () => parse(body);

    // Assess
    expect(run).toThrow(ValidationError);
    expect(run).toThrow('body is not JSON');
  });

  it.each([
    ['a JSON string', '"hello"'],
    ['an object without entry', '{"object":"page"}'],
    ['an empty list', '[]'],
    ['an entry without id', '{"object":"page","entry":[{"time":1}]}'],
  ])('throws ValidationError for %s', (_case, body) => {
    // Act
    const run = () => parse(body);

    // Assess
    expect(run).toThrow(ValidationError);
  });

  it('lists where the envelope is wrong', () => {
    // Arrange
    const body = '{"object":"page","entry":"nope"}';

    // Act
    let error: unknown;
    try {
      parse(body);
    } catch (e) {
      error = e;
    }

    // Assess
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).issues.length).toBeGreaterThan(0);
  });
});

describe('isoTime', () => {
  it.each([
    [1449135003, '2015-12-03T09:30:03.000Z'],
    [1458692752478, '2016-03-23T00:25:52.478Z'],
    ['1449135003', '2015-12-03T09:30:03.000Z'],
    ['2026-11-28T10:15:00+0100', '2026-11-28T09:15:00.000Z'],
  ])('reads %s as %s', (input, expected) => {
    // Act
    const iso = isoTime(input);

    // Assess
    expect(iso).toBe(expected);
  });

  it.each([undefined, 'yesterday', Number.NaN])('gives undefined for %s', (input) => {
    // Act
    const iso = isoTime(input);

    // Assess
    expect(iso).toBeUndefined();
  });
});
