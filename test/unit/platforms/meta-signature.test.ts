import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { SignatureError } from '../../../shared/domain/errors.ts';
import { adapterContext } from './support.ts';
import { metaAdapter, signMetaBody } from '../../../shared/platforms/meta.ts';
import {
  TEST_META_SECRET,
  metaFixture,
  metaHandshakeQuery,
  signedMetaRequest,
  webhookRequestFactory,
} from '../../factories/http.ts';

function verifyError(run: () => void): SignatureError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(SignatureError);
    return error as SignatureError;
  }
  throw new Error('expected a SignatureError');
}

describe('signMetaBody', () => {
  it('is sha256= followed by the hex HMAC-SHA256 of the body keyed with the app secret', () => {
    // Arrange
    const body = '{"object":"page","entry":[]}';
    const expected = createHmac('sha256', 'k').update(Buffer.from(body)).digest('hex');

    // Act
    const header = signMetaBody(body, 'k');

    // Assess
    expect(header).toBe(`sha256=${expected}`);
  });

  it('signs a string and its UTF-8 bytes alike', () => {
    // Arrange
    const body = '{"message":"Grüße"}';

    // Act
    const fromString = signMetaBody(body, 'k');
    const fromBytes = signMetaBody(Buffer.from(body, 'utf8'), 'k');

    // Assess
    expect(fromString).toBe(fromBytes);
  });
});

describe('metaAdapter.verify', () => {
  const body = metaFixture('page-feed-comment-add.restfb.json');

  it('accepts a body signed with the app secret', () => {
    // Arrange
    const request = signedMetaRequest(body);

    // Act
    const run = () => metaAdapter.verify(request, TEST_META_SECRET, adapterContext());

    // Assess
    expect(run).not.toThrow();
  });

  it('accepts an upper-case hex signature', () => {
    // Arrange
    const signed = signedMetaRequest(body);
    const header = signed.headers['x-hub-signature-256'] as string;
    const request = { ...signed, headers: { 'x-hub-signature-256': `sha256=${header.slice(7).toUpperCase()}` } };

    // Act
    const run = () => metaAdapter.verify(request, TEST_META_SECRET, adapterContext());

    // Assess
    expect(run).not.toThrow();
  });

  it('rejects a body changed after signing', () => {
    // Arrange
    const signed = signedMetaRequest(body);
    const tampered = {
      ...signed,
      body: Buffer.from(body.toString('utf8').replace('and the next one', 'and the NEXT one')),
    };

    // Act
    const error = verifyError(() => metaAdapter.verify(tampered, TEST_META_SECRET, adapterContext()));

    // Assess
    expect(error.message).toBe('X-Hub-Signature-256 does not match the body');
  });

  it('rejects a body signed with another secret', () => {
    // Arrange
    const request = signedMetaRequest(body, 'someone-elses-secret');

    // Act
    const error = verifyError(() => metaAdapter.verify(request, TEST_META_SECRET, adapterContext()));

    // Assess
    expect(error.message).toBe('X-Hub-Signature-256 does not match the body');
  });

  it('rejects a request without the signature header', () => {
    // Arrange
    const request = webhookRequestFactory({ body });

    // Act
    const error = verifyError(() => metaAdapter.verify(request, TEST_META_SECRET, adapterContext()));

    // Assess
    expect(error.message).toBe('missing X-Hub-Signature-256 header');
  });

  it('rejects a signature without the sha256= prefix (the old SHA-1 header format)', () => {
    // Arrange
    const hex = signMetaBody(body, TEST_META_SECRET.appSecret).slice('sha256='.length);
    const request = webhookRequestFactory({ body, headers: { 'x-hub-signature-256': `sha1=${hex}` } });

    // Act
    const error = verifyError(() => metaAdapter.verify(request, TEST_META_SECRET, adapterContext()));

    // Assess
    expect(error.message).toBe('X-Hub-Signature-256 does not start with sha256=');
  });

  it.each([
    ['not hex', `sha256=${'zz'.repeat(32)}`],
    ['too short', `sha256=${'ab'.repeat(31)}`],
    ['too long', `sha256=${'ab'.repeat(33)}`],
  ])('rejects a signature that is %s', (_case, header) => {
    // Arrange
    const request = webhookRequestFactory({ body, headers: { 'x-hub-signature-256': header } });

    // Act
    const error = verifyError(() => metaAdapter.verify(request, TEST_META_SECRET, adapterContext()));

    // Assess
    expect(error.message).toBe('X-Hub-Signature-256 is not 64 hex digits');
  });

  it('never puts the signature or the secret in its message', () => {
    // Arrange
    const request = signedMetaRequest(body, 'wrong-secret');
    const sent = request.headers['x-hub-signature-256'] as string;

    // Act
    const error = verifyError(() => metaAdapter.verify(request, TEST_META_SECRET, adapterContext()));

    // Assess
    expect(error.message).not.toContain(sent.slice(7, 20));
    expect(error.message).not.toContain(TEST_META_SECRET.appSecret);
  });

  it('verifies a non-ASCII body over its exact \\uXXXX-escaped bytes', () => {
    // Arrange
    const escaped = metaFixture('page-feed-comment-non-ascii.json');
    const request = signedMetaRequest(escaped);

    // Act
    const run = () => metaAdapter.verify(request, TEST_META_SECRET, adapterContext());

    // Assess
    expect(escaped.toString('latin1')).toContain('Gr\\u00fc\\u00dfe');
    expect(run).not.toThrow();
  });

  it('rejects a non-ASCII body whose signature was computed over a re-serialization', () => {
    // Arrange: signing the parsed-and-restringified JSON (raw UTF-8) is a classic mistake.
    const escaped = metaFixture('page-feed-comment-non-ascii.json');
    const reserialized = JSON.stringify(JSON.parse(escaped.toString('utf8')));
    const request = {
      ...signedMetaRequest(escaped),
      headers: { 'x-hub-signature-256': signMetaBody(reserialized, TEST_META_SECRET.appSecret) },
    };

    // Act
    const error = verifyError(() => metaAdapter.verify(request, TEST_META_SECRET, adapterContext()));

    // Assess
    expect(error.message).toBe('X-Hub-Signature-256 does not match the body');
  });
});

describe('metaAdapter.handshake', () => {
  it('answers the challenge as text/plain when mode and verify token match', () => {
    // Arrange
    const request = webhookRequestFactory({ method: 'GET', query: metaHandshakeQuery() });

    // Act
    const response = metaAdapter.handshake(request, TEST_META_SECRET, adapterContext());

    // Assess
    expect(response).toEqual({
      statusCode: 200,
      headers: { 'content-type': 'text/plain; charset=utf-8' },
      body: '1158201444',
    });
  });

  it('refuses a wrong verify token with 403 and a reason', () => {
    // Arrange
    const request = webhookRequestFactory({
      method: 'GET',
      query: metaHandshakeQuery({ 'hub.verify_token': 'guess' }),
    });

    // Act
    const response = metaAdapter.handshake(request, TEST_META_SECRET, adapterContext());

    // Assess
    expect(response.statusCode).toBe(403);
    expect(response.rejection).toBe('hub.verify_token does not match the verify token');
    expect(response.body).not.toContain('1158201444');
  });

  it('refuses a verify token that only shares a prefix with the real one', () => {
    // Arrange
    const prefix = TEST_META_SECRET.verifyToken.slice(0, -1);
    const request = webhookRequestFactory({ method: 'GET', query: metaHandshakeQuery({ 'hub.verify_token': prefix }) });

    // Act
    const response = metaAdapter.handshake(request, TEST_META_SECRET, adapterContext());

    // Assess
    expect(response.statusCode).toBe(403);
  });

  it('refuses a mode other than subscribe with 403 and a reason', () => {
    // Arrange
    const request = webhookRequestFactory({ method: 'GET', query: metaHandshakeQuery({ 'hub.mode': 'unsubscribe' }) });

    // Act
    const response = metaAdapter.handshake(request, TEST_META_SECRET, adapterContext());

    // Assess
    expect(response.statusCode).toBe(403);
    expect(response.rejection).toBe("hub.mode is 'unsubscribe', not 'subscribe'");
  });

  it('refuses a request without hub parameters', () => {
    // Arrange
    const request = webhookRequestFactory({ method: 'GET' });

    // Act
    const response = metaAdapter.handshake(request, TEST_META_SECRET, adapterContext());

    // Assess
    expect(response.statusCode).toBe(403);
    expect(response.rejection).toBe("hub.mode is missing, not 'subscribe'");
  });

  it('refuses a matching token without a challenge', () => {
    // Arrange
    const query = metaHandshakeQuery();
    delete query['hub.challenge'];
    const request = webhookRequestFactory({ method: 'GET', query });

    // Act
    const response = metaAdapter.handshake(request, TEST_META_SECRET, adapterContext());

    // Assess
    expect(response.rejection).toBe('hub.challenge is missing');
  });
});
