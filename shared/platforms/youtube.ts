import { createRequire } from 'node:module';
import path from 'node:path';
import type * as FastXmlParser from 'fast-xml-parser';
import * as z from '../domain/zod-mini.ts';
import { backfillHours, enabled, ids, pollSchedule, secretName } from '../config/platform-fields.ts';
import type { CompanyConfig } from '../config/schema.ts';
import { SignatureError, ValidationError } from '../domain/errors.ts';
import { hmac, randomSecret, verifyHexDigest } from './crypto.ts';
import { echoChallenge, WEBSUB_CHALLENGE } from './handshake-tokens.ts';
import { deletionOf, finishMention, ignored, isoTime } from './normalize.ts';
import {
  jsonResponse,
  emptyParseResult,
  type AdapterContext,
  type ParseContext,
  type ParseResult,
  type PlatformAdapter,
  type WebhookRequest,
  type WebhookResponse,
  entryEnabled,
} from './platform-adapter.ts';
import { MENTION_PLATFORMS_OF } from './mention-platforms.ts';

/** The header carrying the hub's signature of a POST body, when the subscription has a secret. */
export const YOUTUBE_SIGNATURE_HEADER = 'x-hub-signature';

/** The WebSub topic of a channel's uploads. */
export function youtubeTopic(channelId: string): string {
  return `https://www.youtube.com/xml/feeds/videos.xml?channel_id=${encodeURIComponent(channelId)}`;
}

/**
 * YouTube's secret: the `hub.secret` Backchannel subscribes with. Required: without it the
 * hub would sign nothing and anyone could post a feed, so a secret without it is incomplete
 * (503) and the stack and `npm start` generate it.
 */
export const YouTubeSecretSchema = z.object({ hubSecret: z.string().check(z.minLength(1)) });
export type YouTubeSecret = z.infer<typeof YouTubeSecretSchema>;

/** `X-Hub-Signature` as a WebSub hub computes it: `<algorithm>=<hex HMAC of the body>`. */
export function signWebSub(body: string | Buffer, hubSecret: string, algorithm: 'sha1' | 'sha256' = 'sha1'): string {
  return `${algorithm}=${hmac(algorithm, hubSecret, body).toString('hex')}`;
}

/**
 * fast-xml-parser and the parser of YouTube's feeds, loaded on the first feed (once per
 * process): no other platform reads XML, and the parser with the packages under it is about
 * 55 KiB that every cold start of ingest-webhook would otherwise read and compile. A bundle
 * carries it as its own CommonJS file beside the code (infra/bundling.ts defines the variable
 * and writes the file), so it loads synchronously and `parse` stays synchronous; from source it
 * is the package. The expression is spelled out so that esbuild drops the other branch.
 * @throws what the require throws (the file missing beside the bundle)
 */
function xmlLibrary(): { parser: FastXmlParser.XMLParser; validator: typeof FastXmlParser.XMLValidator } {
  if (loadedXml) return loadedXml;
  const requireModule = createRequire(import.meta.url);
  const library = (
    process.env.BACKCHANNEL_XML_PARSER_FILE
      ? requireModule(path.join(import.meta.dirname, process.env.BACKCHANNEL_XML_PARSER_FILE))
      : requireModule('fast-xml-parser')
  ) as typeof FastXmlParser;
  loadedXml = {
    parser: new library.XMLParser({
      ignoreAttributes: false,
      attributeNamePrefix: '@_',
      // Prefixes are the sender's choice (yt:, at:); the local names are what the feed means.
      removeNSPrefix: true,
      // Ids and titles stay strings: "007" is a title, not the number 7.
      parseTagValue: false,
      parseAttributeValue: false,
      isArray: (name) => name === 'entry' || name === 'link' || name === 'deleted-entry',
    }),
    validator: library.XMLValidator,
  };
  return loadedXml;
}
let loadedXml: ReturnType<typeof xmlLibrary> | undefined;

// The feed's shapes are built at their first parse (z.lazy), as x-payload.ts's.
const text = z.lazy(() =>
  z.pipe(
    z.union([z.string(), z.looseObject({ '#text': z.optional(z.string()) })]),
    z.transform((v) => (typeof v === 'string' ? v : (v['#text'] ?? ''))),
  ),
);
const EntrySchema = z.lazy(() =>
  z.looseObject({
    videoId: text,
    channelId: z.optional(text),
    title: z.optional(text),
    link: z.optional(z.array(z.looseObject({ '@_rel': z.optional(z.string()), '@_href': z.optional(z.string()) }))),
    author: z.optional(z.looseObject({ name: z.optional(text), uri: z.optional(text) })),
    published: z.optional(text),
    updated: z.optional(text),
  }),
);
const DeletedEntrySchema = z.lazy(() => z.looseObject({ '@_ref': z.string(), '@_when': z.optional(z.string()) }));
const FeedSchema = z.lazy(() =>
  z.looseObject({
    feed: z.looseObject({ entry: z.optional(z.array(z.unknown())), 'deleted-entry': z.optional(z.array(z.unknown())) }),
  }),
);

/** The `platforms.youtube` entry of a company config. */
export const YouTubePlatformSchema = z.strictObject({
  enabled,
  channelIds: ids.check(
    z.meta({
      description: "The company's channel ids (`UC...`): the only WebSub topics the handshake accepts.",
    }),
  ),
  secretName: secretName.check(
    z.meta({
      description: 'Secret `{"hubSecret": "..."}` (optional key): the `hub.secret` of the subscription.',
    }),
  ),
  pollComments: z._default(z.boolean(), false).check(
    z.meta({
      description:
        "Comments are not pushed by YouTube: with `pollComments` the poll-youtube function reads the comment threads of `channelIds` (`commentThreads.list`, `allThreadsRelatedToChannelId`) with the API key in the same secret's `apiKey`.",
    }),
  ),
  pollSchedule,
  backfillHours,
  apiBaseUrl: z
    ._default(z.url(), 'https://www.googleapis.com/youtube/v3')
    .check(z.meta({ description: 'The Data API base URL; only tests point it elsewhere.' })),
});

/**
 * YouTube push notifications (WebSub / PubSubHubbub): the hub's subscription handshake
 * for the company's channels, `X-Hub-Signature` (always required), and the Atom feed of
 * new, updated and deleted videos. Comments are not pushed: a poller reads them.
 */
export const youTubeAdapter: PlatformAdapter<YouTubeSecret, 'youtube', typeof YouTubePlatformSchema> = {
  id: 'youtube',
  config: { schema: YouTubePlatformSchema, description: 'YouTube channels: new videos by WebSub, comments by polling' },
  mentionPlatforms: MENTION_PLATFORMS_OF.youtube,
  secretShape: YouTubeSecretSchema,
  secretDescription: 'YouTube WebSub hub.secret: {"hubSecret": "..."}',
  generateSecret: () => ({ hubSecret: randomSecret() }),
  generatedSecretKey: 'hubSecret',

  isEnabled: entryEnabled('youtube'),

  isCompanyAccount(accountId: string, config: CompanyConfig): boolean {
    return (config.platforms.youtube?.channelIds ?? []).includes(accountId);
  },

  handshake(request: WebhookRequest, _secret: YouTubeSecret, context: AdapterContext): WebhookResponse {
    const mode = request.query['hub.mode'];
    const topic = request.query['hub.topic'];
    const challenge = request.query['hub.challenge'];
    if (mode !== 'subscribe' && mode !== 'unsubscribe')
      return notFound(`hub.mode is ${mode === undefined ? 'missing' : `'${mode}'`}, not subscribe or unsubscribe`);
    const channelId = topic ? channelOfTopic(topic) : undefined;
    const channels = context.config.platforms.youtube?.channelIds ?? [];
    if (!channelId || !channels.includes(channelId))
      return notFound("hub.topic is not the feed of one of the company's channels");
    if (!challenge) return notFound('hub.challenge is missing');
    // Only the hub's random-string format is echoed (see handshake-tokens.ts).
    return echoChallenge(WEBSUB_CHALLENGE, challenge);
  },

  verify(request: WebhookRequest, secret: YouTubeSecret): void {
    const header = request.headers[YOUTUBE_SIGNATURE_HEADER];
    if (!header) throw new SignatureError('missing X-Hub-Signature header');
    const match = /^(sha1|sha256)=(.*)$/.exec(header.trim());
    if (!match) throw new SignatureError('X-Hub-Signature is not sha1=<hex> or sha256=<hex>');
    const algorithm = match[1] as 'sha1' | 'sha256';
    verifyHexDigest(match[2] as string, hmac(algorithm, secret.hubSecret, request.body), 'X-Hub-Signature');
  },

  parse(body: Buffer, context: ParseContext): ParseResult {
    const feedXml = body.toString('utf8');
    // An Atom feed from the hub has no DTD; one here could only expand entities.
    if (/<!DOCTYPE/i.test(feedXml)) throw new ValidationError('body has a DOCTYPE; an Atom feed has none');
    const { parser, validator } = xmlLibrary();
    const valid = validator.validate(feedXml);
    if (valid !== true) throw new ValidationError(`body is not XML: ${valid.err.msg} (line ${valid.err.line})`);
    let document: unknown;
    try {
      document = parser.parse(feedXml);
    } catch {
      throw new ValidationError('body is not XML');
    }
    const feed = FeedSchema.safeParse(document);
    if (!feed.success) throw new ValidationError('body is not an Atom feed (<feed>...</feed>)');
    const channels = new Set(context.config.platforms.youtube?.channelIds ?? []);
    const result = emptyParseResult();
    const { receivedAt } = context;

    (feed.data.feed.entry ?? []).forEach((raw, index) => {
      const entry = EntrySchema.safeParse(raw);
      if (!entry.success || !entry.data.videoId) {
        result.ignored.push(ignored('feed entry without yt:videoId', { index }));
        return;
      }
      const e = entry.data;
      const channelId = e.channelId || channelOfUri(e.author?.uri) || 'unknown';
      const href = e.link?.find((l) => l['@_rel'] === 'alternate')?.['@_href'];
      const authorName = e.author?.name;
      const outcome = finishMention(
        {
          platform: 'youtube',
          kind: 'video',
          externalId: e.videoId,
          // The video is the conversation its comments (read by the poller) belong to.
          threadId: e.videoId,
          accountId: channelId,
          author: { id: channelId, ...(authorName ? { name: authorName } : {}) },
          text: e.title ?? '',
          isOwnAccount: channels.has(channelId),
          rawType: 'youtube.feed.entry',
          createdAt: isoTime(e.published) ?? isoTime(e.updated) ?? receivedAt.toISOString(),
          url: href ?? `https://www.youtube.com/watch?v=${encodeURIComponent(e.videoId)}`,
        },
        receivedAt,
        { index, videoId: e.videoId },
      );
      if ('mention' in outcome) result.mentions.push(outcome.mention);
      else result.ignored.push(outcome.ignored);
    });

    (feed.data.feed['deleted-entry'] ?? []).forEach((raw, index) => {
      const deleted = DeletedEntrySchema.safeParse(raw);
      const videoId = deleted.success ? /^yt:video:(.+)$/.exec(deleted.data['@_ref'])?.[1] : undefined;
      const deletion = videoId
        ? deletionOf(
            {
              platform: 'youtube',
              externalId: videoId,
              deletedAt: isoTime(deleted.data?.['@_when']) ?? receivedAt.toISOString(),
              rawType: 'youtube.feed.deleted-entry',
            },
            receivedAt,
          )
        : undefined;
      if (deletion) result.deletions.push(deletion);
      else result.ignored.push(ignored('deleted-entry without a yt:video ref', { index }));
    });

    if (result.mentions.length + result.deletions.length + result.ignored.length === 0) {
      result.ignored.push(ignored('feed without entries'));
    }
    return result;
  },

  sign(body, secret) {
    return {
      'content-type': 'application/atom+xml',
      [YOUTUBE_SIGNATURE_HEADER]: signWebSub(body, secret.hubSecret),
    };
  },
};

function channelOfTopic(topic: string): string | undefined {
  try {
    const url = new URL(topic);
    if (url.hostname !== 'www.youtube.com' || url.pathname !== '/xml/feeds/videos.xml') return undefined;
    return url.searchParams.get('channel_id') ?? undefined;
  } catch {
    return undefined;
  }
}

function channelOfUri(uri: string | undefined): string | undefined {
  return uri ? /\/channel\/([^/?#]+)/.exec(uri)?.[1] : undefined;
}

function notFound(rejection: string): WebhookResponse {
  // The hub reads anything but 2xx as a refusal; 404 says "no such subscription here".
  return jsonResponse(404, { message: 'not found' }, rejection);
}
