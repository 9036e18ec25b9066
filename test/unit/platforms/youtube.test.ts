import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../shared/domain/errors.ts';
import { SignatureMismatchError } from '../../../shared/platforms/platform-adapter.ts';
import { YOUTUBE_SIGNATURE_HEADER, youTubeAdapter, youtubeTopic } from '../../../shared/platforms/youtube.ts';
import { adapterContext, fixture, parseContext, signatureError, signedRequest } from './support.ts';

const CHANNEL = 'UCRadwerkHansenDemo12345';
const SECRET = { hubSecret: 'test-hub-secret-3c' };
const hub = (query: Record<string, string>) => ({ method: 'GET', headers: {}, query, body: Buffer.alloc(0) });

describe('youTubeAdapter.handshake (WebSub)', () => {
  it.each(['subscribe', 'unsubscribe'])('echoes hub.challenge for %s of a company channel', (mode) => {
    // Act
    const response = youTubeAdapter.handshake(
      hub({
        'hub.mode': mode,
        'hub.topic': youtubeTopic(CHANNEL),
        'hub.challenge': 'ch4llenge',
        'hub.lease_seconds': '432000',
      }),
      SECRET,
      adapterContext(),
    );

    // Assess
    expect(response).toMatchObject({ statusCode: 200, body: 'ch4llenge' });
  });

  it.each([
    [
      { 'hub.mode': 'subscribe', 'hub.topic': youtubeTopic('UCsomeoneElse0000000000'), 'hub.challenge': 'c' },
      "hub.topic is not the feed of one of the company's channels",
    ],
    [
      { 'hub.mode': 'subscribe', 'hub.topic': `https://evil.example/?channel_id=${CHANNEL}`, 'hub.challenge': 'c' },
      "hub.topic is not the feed of one of the company's channels",
    ],
    [
      { 'hub.mode': 'denied', 'hub.topic': youtubeTopic(CHANNEL), 'hub.challenge': 'c' },
      "hub.mode is 'denied', not subscribe or unsubscribe",
    ],
    [{ 'hub.mode': 'subscribe', 'hub.topic': youtubeTopic(CHANNEL) }, 'hub.challenge is missing'],
  ])('answers 404 to %j', (query, reason) => {
    // Act
    const response = youTubeAdapter.handshake(hub(query), SECRET, adapterContext());

    // Assess
    expect(response).toMatchObject({ statusCode: 404, rejection: reason });
  });
});

describe('youTubeAdapter.verify', () => {
  const body = fixture('youtube', 'push-notification-video.xml');

  it.each(['sha1', 'sha256'] as const)('accepts X-Hub-Signature with %s, as the header says', (algorithm) => {
    // Arrange
    const signature = `${algorithm}=${createHmac(algorithm, SECRET.hubSecret).update(body).digest('hex')}`;

    // Act
    const run = () =>
      youTubeAdapter.verify(
        { method: 'POST', headers: { [YOUTUBE_SIGNATURE_HEADER]: signature }, query: {}, body },
        SECRET,
        adapterContext(),
      );

    // Assess
    expect(run).not.toThrow();
  });

  it('rejects a tampered feed', () => {
    // Arrange
    const request = {
      ...signedRequest(youTubeAdapter, body, SECRET),
      body: Buffer.from(body.toString().replace('Probefahrt', 'Pannenfahrt')),
    };

    // Act
    const error = signatureError(() => youTubeAdapter.verify(request, SECRET, adapterContext()));

    // Assess
    expect(error).toBeInstanceOf(SignatureMismatchError);
  });

  it('rejects a feed signed with another secret', () => {
    // Arrange
    const request = signedRequest(youTubeAdapter, body, { hubSecret: 'other' });

    // Act
    const error = signatureError(() => youTubeAdapter.verify(request, SECRET, adapterContext()));

    // Assess
    expect(error.message).toBe('X-Hub-Signature does not match the body');
  });

  it.each([
    [{}, 'missing X-Hub-Signature header'],
    [{ [YOUTUBE_SIGNATURE_HEADER]: 'md5=abc' }, 'X-Hub-Signature is not sha1=<hex> or sha256=<hex>'],
    [{ [YOUTUBE_SIGNATURE_HEADER]: 'sha1=abc' }, 'X-Hub-Signature is not 40 hex digits'],
  ])('rejects headers %j', (headers, reason) => {
    // Act
    const error = signatureError(() =>
      youTubeAdapter.verify({ method: 'POST', headers, query: {}, body }, SECRET, adapterContext()),
    );

    // Assess
    expect(error.message).toBe(reason);
  });

  it('refuses a secret without hubSecret, so an unsigned feed is never verified', () => {
    // Act
    const parsed = youTubeAdapter.secretShape.safeParse({});

    // Assess
    expect(parsed.success).toBe(false);
  });
});

describe('youTubeAdapter.parse', () => {
  it("turns the Atom entry of a new video into the company's own video, the thread its comments join", () => {
    // Act
    const result = youTubeAdapter.parse(fixture('youtube', 'push-notification-video.xml'), parseContext());

    // Assess
    expect(result.mentions).toEqual([
      {
        id: 'youtube:dQ7rWk2Hn5c',
        platform: 'youtube',
        kind: 'video',
        externalId: 'dQ7rWk2Hn5c',
        threadId: 'dQ7rWk2Hn5c',
        accountId: CHANNEL,
        author: { id: CHANNEL, name: 'Radwerk Hansen' },
        text: 'Stadtflitzer 2027: erste Probefahrt',
        isOwnAccount: true,
        rawType: 'youtube.feed.entry',
        createdAt: '2015-03-06T21:40:57.000Z',
        receivedAt: '2026-11-28T09:15:02.000Z',
        url: 'http://www.youtube.com/watch?v=dQ7rWk2Hn5c',
      },
    ]);
  });

  it('parses the published sample with its placeholder ids as it stands', () => {
    // Act
    const result = youTubeAdapter.parse(fixture('youtube', 'push-notification-video.verbatim.xml'), parseContext());

    // Assess
    expect(result.mentions).toEqual([
      expect.objectContaining({
        externalId: 'VIDEO_ID',
        accountId: 'CHANNEL_ID',
        isOwnAccount: false,
        text: 'Video title',
      }),
    ]);
  });

  it('turns a deleted-entry into a deletion notice of the video', () => {
    // Act
    const result = youTubeAdapter.parse(fixture('youtube', 'push-notification-deleted.xml'), parseContext());

    // Assess
    expect(result.deletions).toEqual([
      expect.objectContaining({
        id: 'youtube:dQ7rWk2Hn5c',
        deletedAt: '2026-11-28T12:00:00.000Z',
        rawType: 'youtube.feed.deleted-entry',
      }),
    ]);
  });

  it.each([
    ['<feed><entry>', 'body is not XML'],
    ['{"json": true}', 'body is not XML'],
    ['<!DOCTYPE feed [<!ENTITY a "aaaa">]><feed></feed>', 'body has a DOCTYPE; an Atom feed has none'],
    ['<rss></rss>', 'body is not an Atom feed (<feed>...</feed>)'],
  ])('throws ValidationError for %j', (xml, message) => {
    // Act
    const run = () => youTubeAdapter.parse(Buffer.from(xml), parseContext());

    // Assess
    expect(run).toThrow(ValidationError);
    expect(run).toThrow(message);
  });

  it('ignores a feed without entries with its reason', () => {
    // Act
    const result = youTubeAdapter.parse(
      Buffer.from('<feed xmlns="http://www.w3.org/2005/Atom"><title>t</title></feed>'),
      parseContext(),
    );

    // Assess
    expect(result.ignored).toEqual([{ reason: 'feed without entries' }]);
  });
});
