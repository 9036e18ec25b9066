import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

/**
 * Checks an AWS Signature Version 4 `Authorization` header the way AWS does, so the local
 * endpoint knows which function called it: only a caller holding that function's secret
 * access key can produce the signature. (The SDK signs every request; nothing is added.)
 */

/** A request as it reached the endpoint. */
export interface SignedRequest {
  readonly method: string;
  /** Path and query, as in `req.url`. */
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
}

export type SignatureCheck =
  | { readonly ok: true; readonly accessKeyId: string }
  | { readonly ok: false; readonly reason: string };

/** AWS refuses requests signed more than 15 minutes away from its clock. */
const MAX_SKEW_MS = 15 * 60 * 1000;

const AUTHORIZATION =
  /^AWS4-HMAC-SHA256 Credential=([^/,\s]+)\/(\d{8})\/([^/,\s]+)\/([^/,\s]+)\/aws4_request,\s*SignedHeaders=([a-z0-9;-]+),\s*Signature=([0-9a-f]{64})$/;

/**
 * Verifies the request's SigV4 signature with the secret key of its access key id.
 * `secretKeyOf` answers undefined for a key id it does not know.
 */
export function verifySigV4(
  request: SignedRequest,
  secretKeyOf: (accessKeyId: string) => string | undefined,
  now = new Date(),
): SignatureCheck {
  const parsed = authorizationOf(request);
  if (!parsed) return { ok: false, reason: 'the request carries no AWS4-HMAC-SHA256 signature' };
  const { accessKeyId, day, region, service, signedHeaderList, signature } = parsed;
  const secretKey = secretKeyOf(accessKeyId);
  if (secretKey === undefined) return { ok: false, reason: "the access key id is not one of this runtime's functions" };
  const amzDate = String(request.headers['x-amz-date'] ?? '');
  const signedAt = parseAmzDate(amzDate);
  if (!signedAt || amzDate.slice(0, 8) !== day) return { ok: false, reason: 'the request has no valid X-Amz-Date' };
  if (Math.abs(now.getTime() - signedAt.getTime()) > MAX_SKEW_MS)
    return { ok: false, reason: 'the signature is older than 15 minutes' };
  const signedHeaders = signedHeaderList.split(';');
  if (!signedHeaders.includes('host')) return { ok: false, reason: 'the signature does not cover the Host header' };
  // The signed payload hash must be the body's: else a body could be swapped under a signature.
  const bodyHash = sha256(request.body);
  const declaredHash = request.headers['x-amz-content-sha256'];
  if (declaredHash !== undefined && declaredHash !== bodyHash)
    return { ok: false, reason: 'the body does not match its signed hash' };

  const expected = Buffer.from(signatureOf(request, { secretKey, day, region, service, amzDate, signedHeaders }));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) {
    return { ok: false, reason: "the signature does not match the access key id's secret key" };
  }
  return { ok: true, accessKeyId };
}

interface Scope {
  readonly secretKey: string;
  readonly day: string;
  readonly region: string;
  readonly service: string;
  readonly amzDate: string;
  readonly signedHeaders: readonly string[];
}

/** The hex SigV4 signature of a request over the given signed headers. */
function signatureOf(request: SignedRequest, scope: Scope): string {
  const [pathPart = '/', query = ''] = request.url.split('?', 2);
  const canonicalRequest = [
    request.method,
    pathPart || '/',
    canonicalQuery(query),
    scope.signedHeaders.map((name) => `${name}:${headerValue(request.headers, name)}\n`).join(''),
    scope.signedHeaders.join(';'),
    sha256(request.body),
  ].join('\n');
  const credentialScope = `${scope.day}/${scope.region}/${scope.service}/aws4_request`;
  const stringToSign = ['AWS4-HMAC-SHA256', scope.amzDate, credentialScope, sha256(canonicalRequest)].join('\n');
  let key: Buffer = hmac(`AWS4${scope.secretKey}`, scope.day);
  for (const part of [scope.region, scope.service, 'aws4_request']) key = hmac(key, part);
  return hmac(key, stringToSign).toString('hex');
}

/**
 * Signs a request again after its body changed, with the same key id, scope and signed
 * headers; resolves the headers to send. For fault injection between a function and an
 * endpoint that checks signatures (the bench's proxy), never for forging anything.
 * @throws Error when the request carries no SigV4 signature
 */
export function resignedHeaders(request: SignedRequest, secretKey: string): IncomingHttpHeaders {
  const parsed = authorizationOf(request);
  if (!parsed) throw new Error('the request carries no AWS4-HMAC-SHA256 signature');
  const { accessKeyId, day, region, service, signedHeaderList } = parsed;
  const headers: IncomingHttpHeaders = { ...request.headers, 'content-length': String(request.body.length) };
  if (headers['x-amz-content-sha256'] !== undefined) headers['x-amz-content-sha256'] = sha256(request.body);
  const signedHeaders = signedHeaderList.split(';');
  const amzDate = String(headers['x-amz-date'] ?? '');
  const signature = signatureOf({ ...request, headers }, { secretKey, day, region, service, amzDate, signedHeaders });
  headers.authorization = `AWS4-HMAC-SHA256 Credential=${accessKeyId}/${day}/${region}/${service}/aws4_request, SignedHeaders=${signedHeaderList}, Signature=${signature}`;
  return headers;
}

function headerValue(headers: IncomingHttpHeaders, name: string): string {
  const value = headers[name];
  const text = Array.isArray(value) ? value.join(',') : (value ?? '');
  return text.trim().replace(/\s+/g, ' ');
}

function canonicalQuery(query: string): string {
  if (!query) return '';
  const encode = (s: string) =>
    encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return [...new URLSearchParams(query)]
    .map(([k, v]) => [encode(k), encode(v)] as const)
    .sort(([a, av], [b, bv]) => (a === b ? (av < bv ? -1 : 1) : a < b ? -1 : 1))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
}

function parseAmzDate(value: string): Date | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  return m
    ? new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6])))
    : undefined;
}

function sha256(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

function hmac(key: string | Buffer, data: string): Buffer {
  return createHmac('sha256', key).update(data, 'utf8').digest();
}

/** The parts of a request's AWS4-HMAC-SHA256 Authorization header, or undefined when it has none. */
function authorizationOf(request: SignedRequest):
  | {
      accessKeyId: string;
      day: string;
      region: string;
      service: string;
      signedHeaderList: string;
      signature: string;
    }
  | undefined {
  const authorization = request.headers.authorization;
  const match = authorization ? AUTHORIZATION.exec(authorization) : null;
  if (!match) return undefined;
  const [, accessKeyId = '', day = '', region = '', service = '', signedHeaderList = '', signature = ''] = match;
  return { accessKeyId, day, region, service, signedHeaderList, signature };
}
