import { describe, expect, it } from 'vitest';
import { resignedHeaders, verifySigV4, type SignedRequest } from '../../../infra/local/sigv4.ts';

/**
 * The `get-vanilla` case of AWS's Signature Version 4 test suite
 * (docs.aws.amazon.com/general/latest/gr/signature-v4-test-suite.html).
 */
const SECRET = 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY';
const SIGNED_AT = new Date('2015-08-30T12:36:00Z');
const vanilla: SignedRequest = {
  method: 'GET',
  url: '/',
  headers: {
    host: 'example.amazonaws.com',
    'x-amz-date': '20150830T123600Z',
    authorization:
      'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31',
  },
  body: Buffer.alloc(0),
};
const secretKeyOf = (keyId: string) => (keyId === 'AKIDEXAMPLE' ? SECRET : undefined);

describe('verifySigV4', () => {
  it("accepts AWS's get-vanilla example with its secret key", () => {
    // Act
    const check = verifySigV4(vanilla, secretKeyOf, SIGNED_AT);

    // Assess
    expect(check).toEqual({ ok: true, accessKeyId: 'AKIDEXAMPLE' });
  });

  it('refuses the same request checked against another secret key', () => {
    // Act
    const check = verifySigV4(vanilla, () => 'another-secret', SIGNED_AT);

    // Assess
    expect(check).toEqual({ ok: false, reason: "the signature does not match the access key id's secret key" });
  });

  it('refuses an access key id it does not know', () => {
    // Act
    const check = verifySigV4(vanilla, () => undefined, SIGNED_AT);

    // Assess
    expect(check).toMatchObject({ ok: false, reason: "the access key id is not one of this runtime's functions" });
  });

  it('refuses a signature made more than 15 minutes ago', () => {
    // Act
    const check = verifySigV4(vanilla, secretKeyOf, new Date(SIGNED_AT.getTime() + 16 * 60 * 1000));

    // Assess
    expect(check).toMatchObject({ ok: false, reason: 'the signature is older than 15 minutes' });
  });

  it('refuses a body swapped under a signed payload hash', () => {
    // Arrange
    const signed = { ...vanilla, body: Buffer.from('{"SecretId":"a"}') };
    const headers = resignedHeaders({ ...signed, headers: { ...signed.headers, 'x-amz-content-sha256': 'x' } }, SECRET);

    // Act
    const check = verifySigV4({ ...signed, headers, body: Buffer.from('{"SecretId":"b"}') }, secretKeyOf, SIGNED_AT);

    // Assess
    expect(check).toMatchObject({ ok: false, reason: 'the body does not match its signed hash' });
  });

  it('accepts a request signed again by resignedHeaders after its body changed', () => {
    // Arrange
    const changed = { ...vanilla, method: 'POST', body: Buffer.from('{"Entries":[]}') };

    // Act
    const check = verifySigV4({ ...changed, headers: resignedHeaders(changed, SECRET) }, secretKeyOf, SIGNED_AT);

    // Assess
    expect(check).toEqual({ ok: true, accessKeyId: 'AKIDEXAMPLE' });
  });
});
