import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { SignatureError, ValidationError } from '../../../shared/domain/errors.ts';
import { SignatureMismatchError } from '../../../shared/platforms/platform-adapter.ts';
import { signX, xAdapter, X_SIGNATURE_HEADER, type XSecret } from '../../../shared/platforms/x.ts';
import { adapterContext, fixture, parseContext, signatureError, signedRequest } from './support.ts';

const SECRET: XSecret = { consumerSecret: 'test-consumer-secret-9d1e' };
const parse = (name: string) => xAdapter.parse(fixture('x', name), parseContext());

describe('xAdapter.handshake (CRC)', () => {
  it('answers the crc_token with sha256= and the base64 HMAC-SHA256 keyed with the consumer secret', () => {
    // Arrange
    const request = { method: 'GET', headers: {}, query: { crc_token: 'challenge-123' }, body: Buffer.alloc(0) };
    const expected = createHmac('sha256', SECRET.consumerSecret).update('challenge-123').digest('base64');

    // Act
    const response = xAdapter.handshake(request, SECRET, adapterContext());

    // Assess
    expect(response.statusCode).toBe(200);
    expect(JSON.parse(response.body)).toEqual({ response_token: `sha256=${expected}` });
  });

  it("gives a different token with a different secret, so a wrong secret fails X's check", () => {
    // Arrange
    const request = { method: 'GET', headers: {}, query: { crc_token: 'challenge-123' }, body: Buffer.alloc(0) };

    // Act
    const right = xAdapter.handshake(request, SECRET, adapterContext()).body;
    const wrong = xAdapter.handshake(request, { consumerSecret: 'other' }, adapterContext()).body;

    // Assess
    expect(wrong).not.toBe(right);
  });

  it('refuses a GET without crc_token with 400 and its reason', () => {
    // Act
    const response = xAdapter.handshake(
      { method: 'GET', headers: {}, query: {}, body: Buffer.alloc(0) },
      SECRET,
      adapterContext(),
    );

    // Assess
    expect(response).toMatchObject({ statusCode: 400, rejection: 'crc_token is missing' });
  });
});

describe('xAdapter.verify', () => {
  const body = fixture('x', 'aaa-tweet-create-events-mention.json');

  it('accepts a body signed with the consumer secret', () => {
    // Arrange
    const request = signedRequest(xAdapter, body, SECRET);

    // Act
    const run = () => xAdapter.verify(request, SECRET, adapterContext());

    // Assess
    expect(run).not.toThrow();
  });

  it('rejects a tampered body as a mismatch', () => {
    // Arrange
    const request = {
      ...signedRequest(xAdapter, body, SECRET),
      body: Buffer.from(body.toString().replace('timing out', 'TIMING OUT')),
    };

    // Act
    const error = signatureError(() => xAdapter.verify(request, SECRET, adapterContext()));

    // Assess
    expect(error).toBeInstanceOf(SignatureMismatchError);
  });

  it('rejects a body signed with another secret', () => {
    // Arrange
    const request = signedRequest(xAdapter, body, { consumerSecret: 'not-the-secret' });

    // Act
    const error = signatureError(() => xAdapter.verify(request, SECRET, adapterContext()));

    // Assess
    expect(error.message).toBe('x-twitter-webhooks-signature does not match the body');
  });

  it.each([
    [{}, 'missing x-twitter-webhooks-signature header'],
    [{ [X_SIGNATURE_HEADER]: 'sha1=abc' }, 'x-twitter-webhooks-signature does not start with sha256='],
    [{ [X_SIGNATURE_HEADER]: 'sha256=!!notbase64' }, 'x-twitter-webhooks-signature is not the base64 of 32 bytes'],
  ])('rejects headers %j: %s', (headers, reason) => {
    // Arrange
    const request = { method: 'POST', headers, query: {}, body };

    // Act
    const error = signatureError(() => xAdapter.verify(request, SECRET, adapterContext()));

    // Assess
    expect(error.message).toBe(reason);
    expect(error).not.toBeInstanceOf(SignatureMismatchError);
  });

  it('never puts the signature into its reason', () => {
    // Arrange
    const signature = signX('other body', SECRET.consumerSecret);
    const request = { method: 'POST', headers: { [X_SIGNATURE_HEADER]: signature }, query: {}, body };

    // Act
    const error = signatureError(() => xAdapter.verify(request, SECRET, adapterContext()));

    // Assess
    expect(error.message).not.toContain(signature.slice(7));
  });
});

describe('xAdapter.parse: Account Activity', () => {
  it('turns a tweet mentioning the account into a mention with author, followers, language and url', () => {
    // Act
    const result = parse('aaa-tweet-create-events-mention.json');

    // Assess
    expect(result.ignored).toEqual([]);
    expect(result.mentions).toEqual([
      {
        id: 'x:1994652037415829505',
        platform: 'x',
        kind: 'mention',
        externalId: '1994652037415829505',
        threadId: '1994652037415829505',
        accountId: '2244994945',
        author: { id: '3001969357', handle: 'furiouscamper', name: 'Jordan Brinks', followers: 22 },
        text: '@XDevelopers my webhook keeps timing out since this morning, is the API down?',
        language: 'en',
        isOwnAccount: false,
        rawType: 'tweet_create_events',
        createdAt: '2026-11-28T09:12:41.000Z',
        receivedAt: '2026-11-28T09:15:02.000Z',
        url: 'https://x.com/furiouscamper/status/1994652037415829505',
      },
    ]);
  });

  it('reads the full text of a truncated longform post and its exact id_str', () => {
    // Act
    const [mention] = parse('aaa-tweet-create-events-longform.json').mentions;

    // Assess
    expect(mention?.externalId).toBe('1924465506158878979');
    expect(mention?.text).toMatch(/off the Greek island of Antikythera\.\.\.$/);
  });

  it("marks the company's own reply as isOwnAccount, threaded under the tweet it answers, and ignores retweets and likes", () => {
    // Act
    const result = parse('aaa-tweet-create-events-own-reply.json');

    // Assess
    expect(result.mentions).toEqual([
      expect.objectContaining({
        isOwnAccount: true,
        kind: 'comment',
        threadId: '1994651002114248704',
        inReplyTo: '1994651002114248704',
        language: 'de',
      }),
    ]);
    expect(result.ignored.map((i) => i.reason)).toEqual([
      'a retweet is not a mention',
      'favorite_events are not mentions',
    ]);
  });

  it('turns a direct message into a message in the conversation with its sender', () => {
    // Act
    const result = parse('aaa-direct-message-events.json');

    // Assess
    expect(result.mentions).toEqual([
      expect.objectContaining({
        kind: 'message',
        externalId: '954491830116155396',
        threadId: 'dm:3001969357',
        author: { id: '3001969357', handle: 'furiouscamper', name: 'Jordan Brinks', followers: 22 },
        text: 'Hello World!',
        isOwnAccount: false,
        createdAt: '2018-01-19T23:12:40.557Z',
      }),
    ]);
  });

  it("threads the company's own direct message into the customer's conversation as its reply", () => {
    // Act
    const [mention] = parse('aaa-direct-message-own.json').mentions;

    // Assess
    expect(mention).toMatchObject({
      isOwnAccount: true,
      threadId: 'dm:845120336',
      author: { handle: 'radwerkhansen' },
    });
  });

  it('turns tweet_delete_events into deletion notices of the stored mention', () => {
    // Act
    const result = parse('aaa-tweet-delete-events.json');

    // Assess
    expect(result.mentions).toEqual([]);
    expect(result.deletions).toEqual([
      {
        type: 'deletion',
        id: 'x:1045405559317569537',
        platform: 'x',
        externalId: '1045405559317569537',
        accountId: '930524282358325248',
        authorId: '930524282358325248',
        deletedAt: '2015-05-21T17:09:15.593Z',
        receivedAt: '2026-11-28T09:15:02.000Z',
        rawType: 'tweet_delete_events',
      },
    ]);
  });

  it('reports a user_event revocation, enqueuing nothing', () => {
    // Act
    const result = parse('aaa-user-event-revoke.json');

    // Assess
    expect(result.mentions).toEqual([]);
    expect(result.revocations).toEqual([
      { platform: 'x', userId: '63046977', rawType: 'user_event.revoke', at: '2018-05-24T09:48:12.000Z' },
    ]);
  });

  it('throws ValidationError for JSON that is no X payload', () => {
    // Act
    const run = () => xAdapter.parse(Buffer.from('{"hello":"world"}'), parseContext());

    // Assess
    expect(run).toThrow(ValidationError);
  });

  it('throws ValidationError, not SignatureError, for a body that is not JSON', () => {
    // Act
    const run = () => xAdapter.parse(Buffer.from('not json'), parseContext());

    // Assess
    expect(run).toThrow(ValidationError);
    expect(run).not.toThrow(SignatureError);
  });
});

describe('xAdapter.parse: X Activity API', () => {
  it('turns post.mention.create into a mention with the author from includes', () => {
    // Act
    const result = parse('xaa-post-mention-create.json');

    // Assess
    expect(result.mentions).toEqual([
      expect.objectContaining({
        kind: 'mention',
        externalId: '2080765813578191303',
        threadId: '2080765813578191303',
        accountId: '1111111111111111111',
        author: { id: '2222222222222222222', handle: 'OtherUser', name: 'OtherUser', followers: 97 },
        text: 'hey @ExampleUser',
        isOwnAccount: false,
        rawType: 'post.mention.create',
        createdAt: '2026-07-24T21:23:23.000Z',
      }),
    ]);
    expect(result.mentions[0]?.language).toBeUndefined();
  });

  it('ignores another event type with its reason', () => {
    // Arrange
    const body = Buffer.from(JSON.stringify({ data: { event_type: 'follow.follow', payload: {} } }));

    // Act
    const result = xAdapter.parse(body, parseContext());

    // Assess
    expect(result.ignored).toEqual([
      expect.objectContaining({ reason: "X Activity event 'follow.follow' is not handled" }),
    ]);
  });
});
