import { jsonResponse, type WebhookResponse } from '../domain/platform-adapter.ts';

/**
 * The documented formats of the values a platform's GET handshake carries, in one place.
 *
 * A handshake that signs (X's CRC, LinkedIn's challenge) computes an HMAC with the same key
 * that signs POST bodies. If it answered any text, anyone could ask it for the signature of
 * a body of their choice and POST that body as the platform (a signing oracle). So every
 * handshake answers only values of the platform's documented token format, and each format
 * is chosen so that no value it accepts can be a body the platform's POST parser turns into a
 * mention:
 *
 * - X `crc_token`: X documents no format beyond "a string that changes with every CRC"; its
 *   tokens are base64/base64url text (older docs show a UUID). Accepted: 8 to 256 characters
 *   of `A-Z a-z 0-9 + / = _ -`. X bodies are JSON objects; without `{` no accepted token is
 *   one, so a body signed through the CRC parses to a number, a literal or nothing and is
 *   refused with 400 (shared/platforms/x.ts `parse`).
 * - LinkedIn `challengeCode`: "Randomly generated type-4 UUID string". Accepted: the 36
 *   characters `8-4-4-4-12` of hex digits. LinkedIn signs `"hmacsha256=" + body`, while the
 *   challenge response is the HMAC of the bare code; a UUID never starts with `hmacsha256=`,
 *   so no challenge response equals the signature of any body. (A UUID is no JSON object
 *   either.)
 * - Meta `hub.challenge`: "An int you must pass back to us". Accepted: 1 to 20 digits. The
 *   answer is an echo, computed with no key, and only after the verify token matched.
 * - YouTube (WebSub) `hub.challenge`: "a hub-generated, random string". Accepted: 1 to 256
 *   URL-unreserved characters (`A-Z a-z 0-9 . _ ~ -`). The answer is an echo computed with no
 *   key; without `<` it is no Atom feed either.
 * - TikTok and generic sources have no GET handshake: 405.
 *
 * Anything else is refused with 400 and nothing is signed or echoed.
 */
export interface HandshakeToken {
  /** The query parameter that carries it. */
  readonly parameter: string;
  readonly pattern: RegExp;
  /** The format in words, for the refusal's reason. */
  readonly description: string;
}

export const X_CRC_TOKEN: HandshakeToken = {
  parameter: 'crc_token',
  pattern: /^[A-Za-z0-9+/=_-]{8,256}$/,
  description: '8 to 256 characters of A-Z, a-z, 0-9, +, /, =, _ or -',
};

export const LINKEDIN_CHALLENGE_CODE: HandshakeToken = {
  parameter: 'challengeCode',
  pattern: /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/,
  description: 'a UUID (8-4-4-4-12 hex digits)',
};

export const META_CHALLENGE: HandshakeToken = {
  parameter: 'hub.challenge',
  pattern: /^[0-9]{1,20}$/,
  description: 'an integer of 1 to 20 digits',
};

export const WEBSUB_CHALLENGE: HandshakeToken = {
  parameter: 'hub.challenge',
  pattern: /^[A-Za-z0-9._~-]{1,256}$/,
  description: '1 to 256 characters of A-Z, a-z, 0-9, ., _, ~ or -',
};

/** The handshake token of each platform that has a handshake, by platform id. */
export const HANDSHAKE_TOKENS: Readonly<Record<string, HandshakeToken>> = {
  x: X_CRC_TOKEN,
  linkedin: LINKEDIN_CHALLENGE_CODE,
  meta: META_CHALLENGE,
  youtube: WEBSUB_CHALLENGE,
};

/**
 * Why a handshake value is refused, or undefined when it has the platform's format. The
 * reason never quotes the value.
 */
export function tokenRejection(token: HandshakeToken, value: string | undefined): string | undefined {
  if (value === undefined || value === '') return `${token.parameter} is missing`;
  if (!token.pattern.test(value)) return `${token.parameter} is not ${token.description}`;
  return undefined;
}

/**
 * The answer of a handshake that echoes its challenge (Meta, WebSub): the challenge as text
 * when it has the platform's format, else a 400 whose reason never quotes it.
 */
export function echoChallenge(token: HandshakeToken, challenge: string): WebhookResponse {
  const refused = tokenRejection(token, challenge);
  if (refused !== undefined) return jsonResponse(400, { message: refused }, refused);
  return { statusCode: 200, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: challenge };
}
