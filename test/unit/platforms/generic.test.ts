import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { NotFoundError, ValidationError } from '../../../shared/domain/errors.ts';
import {
  GENERIC_SIGNATURE_HEADER,
  GENERIC_TIMESTAMP_HEADER,
  genericAdapter,
  type GenericSecret,
} from '../../../shared/platforms/generic.ts';
import { SignatureMismatchError } from '../../../shared/platforms/platform-adapter.ts';
import { adapterContext, fixture, parseContext, signatureError, signedRequest, TEST_NOW } from './support.ts';

const SECRET: GenericSecret = { signingSecret: 'test-generic-secret', sources: { kontaktformular: 'form-only-key' } };
const TRUSTPILOT = { source: 'trustpilot' };
const body = fixture('generic', 'trustpilot-service-review.json');
const nowSeconds = Math.floor(TEST_NOW.getTime() / 1000);

describe('genericAdapter.verify', () => {
  it('accepts sha256=<hex HMAC-SHA256 of timestamp.body> with the signing secret', () => {
    // Arrange
    const signature = createHmac('sha256', 'test-generic-secret').update(`${nowSeconds}.`).update(body).digest('hex');
    const request = {
      method: 'POST',
      headers: { [GENERIC_TIMESTAMP_HEADER]: String(nowSeconds), [GENERIC_SIGNATURE_HEADER]: `sha256=${signature}` },
      query: {},
      body,
      params: TRUSTPILOT,
    };

    // Act
    const run = () => genericAdapter.verify(request, SECRET, adapterContext());

    // Assess
    expect(run).not.toThrow();
  });

  it('checks a source with its own key against that key, not the shared one', () => {
    // Arrange
    const request = signedRequest(
      genericAdapter,
      body,
      { signingSecret: 'test-generic-secret' },
      { params: { source: 'kontaktformular' } },
    );

    // Act
    const error = signatureError(() => genericAdapter.verify(request, SECRET, adapterContext()));

    // Assess
    expect(error).toBeInstanceOf(SignatureMismatchError);
  });

  it('rejects a stale timestamp, even correctly signed', () => {
    // Arrange
    const request = signedRequest(genericAdapter, body, SECRET, {
      params: TRUSTPILOT,
      now: new Date(TEST_NOW.getTime() - 6 * 60_000),
    });

    // Act
    const error = signatureError(() => genericAdapter.verify(request, SECRET, adapterContext()));

    // Assess
    expect(error.message).toBe('X-Backchannel-Signature timestamp is 360 s old, outside the 300 s replay window');
  });

  it('rejects a tampered body', () => {
    // Arrange
    const request = {
      ...signedRequest(genericAdapter, body, SECRET, { params: TRUSTPILOT }),
      body: Buffer.from(body.toString().replace('excellent', 'terrible')),
    };

    // Act
    const error = signatureError(() => genericAdapter.verify(request, SECRET, adapterContext()));

    // Assess
    expect(error).toBeInstanceOf(SignatureMismatchError);
  });

  it('rejects a body signed with another secret', () => {
    // Arrange
    const request = signedRequest(genericAdapter, body, { signingSecret: 'wrong' }, { params: TRUSTPILOT });

    // Act
    const error = signatureError(() => genericAdapter.verify(request, SECRET, adapterContext()));

    // Assess
    expect(error.message).toBe('X-Backchannel-Signature does not match the body');
  });

  it.each([
    [{ [GENERIC_SIGNATURE_HEADER]: 'sha256=00' }, 'missing X-Backchannel-Timestamp header'],
    [{ [GENERIC_TIMESTAMP_HEADER]: String(nowSeconds) }, 'missing X-Backchannel-Signature header'],
    [
      { [GENERIC_TIMESTAMP_HEADER]: String(nowSeconds), [GENERIC_SIGNATURE_HEADER]: 'md5=00' },
      'X-Backchannel-Signature does not start with sha256=',
    ],
    [
      { [GENERIC_TIMESTAMP_HEADER]: '2026-11-28', [GENERIC_SIGNATURE_HEADER]: 'sha256=00' },
      'X-Backchannel-Signature timestamp is not a unix timestamp in seconds',
    ],
  ])('rejects headers %j', (headers, reason) => {
    // Act
    const error = signatureError(() =>
      genericAdapter.verify({ method: 'POST', headers, query: {}, body, params: TRUSTPILOT }, SECRET, adapterContext()),
    );

    // Assess
    expect(error.message).toBe(reason);
  });

  it('answers an unconfigured source with NotFoundError', () => {
    // Arrange
    const request = signedRequest(genericAdapter, body, SECRET, { params: { source: 'yelp' } });

    // Act
    const run = () => genericAdapter.verify(request, SECRET, adapterContext());

    // Assess
    expect(run).toThrow(NotFoundError);
  });
});

describe('genericAdapter.parse', () => {
  it('turns a documented body into a mention scoped by its source', () => {
    // Act
    const result = genericAdapter.parse(body, parseContext({ params: TRUSTPILOT }));

    // Assess
    expect(result.mentions).toEqual([
      {
        id: 'generic:trustpilot:53bffd360000640002975387',
        platform: 'generic',
        kind: 'review',
        externalId: 'trustpilot:53bffd360000640002975387',
        threadId: 'trustpilot:53bffd360000640002975387',
        accountId: 'trustpilot',
        source: 'trustpilot',
        author: { id: '53bffc3900006400017e5db8', name: 'Customer' },
        text: 'Great service. Nothing other than excellent customer service.',
        language: 'en',
        isOwnAccount: false,
        rawType: 'service-review-created',
        createdAt: '2017-05-20T09:34:44.000Z',
        receivedAt: '2026-11-28T09:15:02.000Z',
        url: 'https://www.trustpilot.com/reviews/53bffd360000640002975387',
      },
    ]);
  });

  it("reads a list, with the company's own reply threaded under the customer's message", () => {
    // Act
    const result = genericAdapter.parse(
      fixture('generic', 'kontaktformular-batch.json'),
      parseContext({ params: { source: 'kontaktformular' } }),
    );

    // Assess
    expect(result.mentions.map((m) => [m.threadId, m.isOwnAccount, m.createdAt])).toEqual([
      ['kontaktformular:form-2026-11-28-0012', false, '2026-11-28T09:02:11.000Z'],
      ['kontaktformular:form-2026-11-28-0012', true, '2026-11-28T10:30:00.000Z'],
    ]);
  });

  it('throws ValidationError naming the fields for a body that is not the documented shape', () => {
    // Arrange
    const bad = Buffer.from(JSON.stringify({ id: 'r1', text: 'x', author: {}, createdAt: 'yesterday', extra: 1 }));

    // Act
    let error: unknown;
    try {
      genericAdapter.parse(bad, parseContext({ params: TRUSTPILOT }));
    } catch (e) {
      error = e;
    }

    // Assess
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).issues.join('\n')).toMatch(/createdAt|author/);
  });

  it('answers a GET with 405: generic sources have no handshake', () => {
    // Act
    const response = genericAdapter.handshake(
      { method: 'GET', headers: {}, query: {}, body: Buffer.alloc(0) },
      SECRET,
      adapterContext(),
    );

    // Assess
    expect(response.statusCode).toBe(405);
  });
});
