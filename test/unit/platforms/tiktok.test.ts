import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../shared/domain/errors.ts';
import { SignatureMismatchError } from '../../../shared/platforms/platform-adapter.ts';
import { TIKTOK_SIGNATURE_HEADER, tikTokAdapter, type TikTokSecret } from '../../../shared/platforms/tiktok.ts';
import { adapterContext, fixture, parseContext, signatureError, signedRequest, TEST_NOW } from './support.ts';

const SECRET: TikTokSecret = { clientSecret: 'test-tiktok-secret-77' };
const body = fixture('tiktok', 'post-publish-publicly-available.json');
const at = (secondsFromNow: number) => new Date(TEST_NOW.getTime() + secondsFromNow * 1000);

describe('tikTokAdapter.verify', () => {
  it('accepts t=<unix>,s=<hex HMAC-SHA256 of t.body> made now', () => {
    // Arrange
    const t = Math.floor(TEST_NOW.getTime() / 1000);
    const s = createHmac('sha256', SECRET.clientSecret).update(`${t}.`).update(body).digest('hex');
    const request = { method: 'POST', headers: { [TIKTOK_SIGNATURE_HEADER]: `t=${t},s=${s}` }, query: {}, body };

    // Act
    const run = () => tikTokAdapter.verify(request, SECRET, adapterContext());

    // Assess
    expect(run).not.toThrow();
  });

  it('accepts a signature 4 minutes old', () => {
    // Arrange
    const request = signedRequest(tikTokAdapter, body, SECRET, { now: at(-240) });

    // Act
    const run = () => tikTokAdapter.verify(request, SECRET, adapterContext());

    // Assess
    expect(run).not.toThrow();
  });

  it.each([
    [-301, 'TikTok-Signature timestamp is 301 s old, outside the 300 s replay window'],
    [400, 'TikTok-Signature timestamp is 400 s in the future, outside the 300 s replay window'],
  ])('rejects a timestamp %i s away as a replay, even correctly signed', (offset, reason) => {
    // Arrange
    const request = signedRequest(tikTokAdapter, body, SECRET, { now: at(offset) });

    // Act
    const error = signatureError(() => tikTokAdapter.verify(request, SECRET, adapterContext()));

    // Assess
    expect(error.message).toBe(reason);
    expect(error).not.toBeInstanceOf(SignatureMismatchError);
  });

  it('rejects a tampered body', () => {
    // Arrange
    const request = {
      ...signedRequest(tikTokAdapter, body, SECRET),
      body: Buffer.from(body.toString().replace('7441', '7442')),
    };

    // Act
    const error = signatureError(() => tikTokAdapter.verify(request, SECRET, adapterContext()));

    // Assess
    expect(error).toBeInstanceOf(SignatureMismatchError);
  });

  it('rejects a body signed with another secret', () => {
    // Arrange
    const request = signedRequest(tikTokAdapter, body, { clientSecret: 'wrong' });

    // Act
    const error = signatureError(() => tikTokAdapter.verify(request, SECRET, adapterContext()));

    // Assess
    expect(error.message).toBe('TikTok-Signature does not match the body');
  });

  it.each([
    [{}, 'missing TikTok-Signature header'],
    [{ [TIKTOK_SIGNATURE_HEADER]: 's=abc' }, 'TikTok-Signature is not t=<timestamp>,s=<signature>'],
    [
      { [TIKTOK_SIGNATURE_HEADER]: 't=yesterday,s=abc' },
      'TikTok-Signature timestamp is not a unix timestamp in seconds',
    ],
    [
      { [TIKTOK_SIGNATURE_HEADER]: `t=${Math.floor(TEST_NOW.getTime() / 1000)},s=xyz` },
      'TikTok-Signature signature is not 64 hex digits',
    ],
  ])('rejects headers %j', (headers, reason) => {
    // Act
    const error = signatureError(() =>
      tikTokAdapter.verify({ method: 'POST', headers, query: {}, body }, SECRET, adapterContext()),
    );

    // Assess
    expect(error.message).toBe(reason);
  });
});

describe('tikTokAdapter.handshake', () => {
  it('answers a GET with 405: TikTok has no handshake', () => {
    // Act
    const response = tikTokAdapter.handshake(
      { method: 'GET', headers: {}, query: {}, body: Buffer.alloc(0) },
      SECRET,
      adapterContext(),
    );

    // Assess
    expect(response).toMatchObject({
      statusCode: 405,
      rejection: 'TikTok has no GET verification; webhooks are POSTed',
    });
  });
});

describe('tikTokAdapter.parse', () => {
  it("turns a post that became publicly available into the company's own video", () => {
    // Act
    const result = tikTokAdapter.parse(body, parseContext());

    // Assess
    expect(result.mentions).toEqual([
      {
        id: 'tiktok:7441234567890123456',
        platform: 'tiktok',
        kind: 'video',
        externalId: '7441234567890123456',
        threadId: '7441234567890123456',
        accountId: 'act.radwerkhansen0demo0000000000000',
        author: { id: 'act.radwerkhansen0demo0000000000000' },
        text: '',
        isOwnAccount: true,
        rawType: 'post.publish.publicly_available',
        createdAt: '2026-11-28T09:15:00.000Z',
        receivedAt: '2026-11-28T09:15:02.000Z',
      },
    ]);
  });

  it('turns a post no longer publicly available into a deletion notice', () => {
    // Act
    const result = tikTokAdapter.parse(
      fixture('tiktok', 'post-publish-no-longer-publicly-available.json'),
      parseContext(),
    );

    // Assess
    expect(result.deletions).toEqual([expect.objectContaining({ id: 'tiktok:7441234567890123456' })]);
  });

  it('reports authorization.removed as a revocation', () => {
    // Act
    const result = tikTokAdapter.parse(fixture('tiktok', 'authorization-removed.json'), parseContext());

    // Assess
    expect(result).toEqual({
      mentions: [],
      ignored: [],
      deletions: [],
      revocations: [
        {
          platform: 'tiktok',
          userId: 'act.example12345Example12345Example',
          rawType: 'authorization.removed',
          at: '2021-03-10T01:10:10.000Z',
        },
      ],
    });
  });

  it('ignores an upload failure with its reason', () => {
    // Act
    const result = tikTokAdapter.parse(fixture('tiktok', 'video-upload-failed.json'), parseContext());

    // Assess
    expect(result.ignored).toEqual([
      expect.objectContaining({ reason: "event 'video.upload.failed' is not a mention" }),
    ]);
  });

  it('throws ValidationError for a body without event and user_openid', () => {
    // Act
    const run = () => tikTokAdapter.parse(Buffer.from('{"content":"{}"}'), parseContext());

    // Assess
    expect(run).toThrow(ValidationError);
  });
});
