import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../shared/domain/errors.ts';
import { LINKEDIN_SIGNATURE_HEADER, linkedInAdapter, type LinkedInSecret } from '../../../shared/platforms/linkedin.ts';
import { SignatureMismatchError } from '../../../shared/platforms/platform-adapter.ts';
import { adapterContext, fixture, parseContext, signatureError, signedRequest } from './support.ts';

const SECRET: LinkedInSecret = { clientSecret: 'test-client-secret-51ab' };
const get = (query: Record<string, string>) => ({ method: 'GET', headers: {}, query, body: Buffer.alloc(0) });

describe('linkedInAdapter.handshake', () => {
  it('answers the challengeCode with its hex HMAC-SHA256 keyed with the client secret', () => {
    // Arrange
    const code = '890e4665-4dfe-4ab1-b689-ed553bceeed0';
    const expected = createHmac('sha256', SECRET.clientSecret).update(code).digest('hex');

    // Act
    const response = linkedInAdapter.handshake(get({ challengeCode: code }), SECRET, adapterContext());

    // Assess
    expect(response.statusCode).toBe(200);
    expect(JSON.parse(response.body)).toEqual({ challengeCode: code, challengeResponse: expected });
  });

  it('answers differently with another secret, so LinkedIn refuses a wrong one', () => {
    // Arrange
    const challengeCode = '890e4665-4dfe-4ab1-b689-ed553bceeed0';

    // Act
    const right = linkedInAdapter.handshake(get({ challengeCode }), SECRET, adapterContext()).body;
    const wrong = linkedInAdapter.handshake(get({ challengeCode }), { clientSecret: 'x' }, adapterContext()).body;

    // Assess
    expect(wrong).not.toBe(right);
  });

  it('refuses a GET without challengeCode with 400', () => {
    // Act
    const response = linkedInAdapter.handshake(get({}), SECRET, adapterContext());

    // Assess
    expect(response).toMatchObject({ statusCode: 400, rejection: 'challengeCode is missing' });
  });
});

describe('linkedInAdapter.verify', () => {
  const body = fixture('linkedin', 'org-social-action-comment.json');

  it('accepts X-LI-Signature = hex HMAC-SHA256 of "hmacsha256=" + body', () => {
    // Arrange
    const signature = createHmac('sha256', SECRET.clientSecret)
      .update(Buffer.concat([Buffer.from('hmacsha256='), body]))
      .digest('hex');
    const request = { method: 'POST', headers: { [LINKEDIN_SIGNATURE_HEADER]: signature }, query: {}, body };

    // Act
    const run = () => linkedInAdapter.verify(request, SECRET, adapterContext());

    // Assess
    expect(run).not.toThrow();
  });

  it('rejects a tampered body', () => {
    // Arrange
    const request = {
      ...signedRequest(linkedInAdapter, body, SECRET),
      body: Buffer.from(body.toString().replace('Commenting', 'Kommentar')),
    };

    // Act
    const error = signatureError(() => linkedInAdapter.verify(request, SECRET, adapterContext()));

    // Assess
    expect(error).toBeInstanceOf(SignatureMismatchError);
  });

  it('rejects a body signed with another secret', () => {
    // Arrange
    const request = signedRequest(linkedInAdapter, body, { clientSecret: 'wrong' });

    // Act
    const error = signatureError(() => linkedInAdapter.verify(request, SECRET, adapterContext()));

    // Assess
    expect(error.message).toBe('X-LI-Signature does not match the body');
  });

  it.each([
    [{}, 'missing X-LI-Signature header'],
    [{ [LINKEDIN_SIGNATURE_HEADER]: 'hmacsha256=abcd' }, 'X-LI-Signature is not 64 hex digits'],
  ])('rejects headers %j: %s', (headers, reason) => {
    // Act
    const error = signatureError(() =>
      linkedInAdapter.verify({ method: 'POST', headers, query: {}, body }, SECRET, adapterContext()),
    );

    // Assess
    expect(error.message).toBe(reason);
  });
});

describe('linkedInAdapter.parse', () => {
  it('turns a COMMENT notification into a comment under its post', () => {
    // Act
    const result = linkedInAdapter.parse(fixture('linkedin', 'org-social-action-comment.json'), parseContext());

    // Assess
    expect(result.mentions).toEqual([
      {
        id: 'linkedin:urn:li:comment:(urn:li:activity:7094637247890620418,7094977717598625792)',
        platform: 'linkedin',
        kind: 'comment',
        externalId: 'urn:li:comment:(urn:li:activity:7094637247890620418,7094977717598625792)',
        threadId: 'urn:li:activity:7094637247890620418',
        inReplyTo: 'urn:li:activity:7094637247890620418',
        accountId: 'urn:li:organization:96072893',
        author: { id: 'urn:li:person:zLqTygBP8S' },
        text: 'Commenting as Sumit Butola...',
        isOwnAccount: false,
        rawType: 'ORGANIZATION_SOCIAL_ACTION_NOTIFICATIONS.COMMENT',
        createdAt: '2023-08-09T09:48:26.310Z',
        receivedAt: '2026-11-28T09:15:02.000Z',
        url: 'https://www.linkedin.com/feed/update/urn:li:activity:7094637247890620418/',
      },
    ]);
  });

  it('reads mentions, own admin comments, shares, likes and comment deletions of one batch', () => {
    // Act
    const result = linkedInAdapter.parse(fixture('linkedin', 'org-social-actions-mixed.json'), parseContext());

    // Assess
    expect(result.mentions.map((m) => [m.kind, m.isOwnAccount, m.rawType])).toEqual([
      ['mention', false, 'ORGANIZATION_SOCIAL_ACTION_NOTIFICATIONS.SHARE_MENTION'],
      ['comment', true, 'ORGANIZATION_SOCIAL_ACTION_NOTIFICATIONS.ADMIN_COMMENT'],
      ['post', false, 'ORGANIZATION_SOCIAL_ACTION_NOTIFICATIONS.SHARE'],
    ]);
    expect(result.mentions[1]?.threadId).toBe('urn:li:share:7269012345678901248');
    expect(result.ignored).toEqual([expect.objectContaining({ reason: 'a like is not a mention', action: 'LIKE' })]);
    expect(result.deletions).toEqual([
      expect.objectContaining({
        externalId: 'urn:li:comment:(urn:li:share:7269012345678901248,7269200000000000001)',
        authorId: 'urn:li:person:z9x8c7v6b5',
      }),
    ]);
  });

  it('throws ValidationError for a body without notifications', () => {
    // Act
    const run = () => linkedInAdapter.parse(Buffer.from('{"type":"X"}'), parseContext());

    // Assess
    expect(run).toThrow(ValidationError);
  });
});
