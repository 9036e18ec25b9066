import * as z from '../domain/zod-mini.ts';
import { MENTION_KINDS } from '../domain/mention.ts';

/**
 * The documented body of `POST /webhooks/generic/<source>`: one mention or a list of them,
 * as review sites, forms and a company's own tools send them. Its JSON Schema is generated
 * from these zod schemas into docs/generic-mention.schema.json
 * (`npx tsx shared/platforms/write-generic-schema.ts`).
 */

/** Most mentions one request may carry. */
export const GENERIC_MAX_MENTIONS = 100;

const id = z.string().check(z.minLength(1), z.maxLength(200));

export const GenericMentionInputSchema = z
  .strictObject({
    id: id.check(z.describe("The source's own id of this mention; with the source it is the dedupe key.")),
    kind: z._default(z.enum(MENTION_KINDS), 'mention').check(z.describe('What it is; default mention.')),
    threadId: z
      .optional(id)
      .check(z.describe('The conversation it belongs to (a review and its replies); default: its own id.')),
    inReplyTo: z.optional(id).check(z.describe('The id of the mention it answers, if any.')),
    url: z.optional(z.url()).check(z.describe('Where a person can read it.')),
    author: z
      .strictObject({
        id: id.check(z.describe("The source's id of the author.")),
        name: z.optional(z.string().check(z.maxLength(200))).check(z.describe('Display name.')),
        handle: z.optional(z.string().check(z.maxLength(200))),
        followers: z
          .optional(z.number().check(z.int(), z.nonnegative()))
          .check(z.describe('Follower count, when known.')),
      })
      .check(z.describe('Who wrote it.')),
    text: z.string().check(z.maxLength(50_000), z.describe('What they wrote; may be empty.')),
    language: z
      .optional(z.string().check(z.minLength(2), z.maxLength(35)))
      .check(z.describe('Language code (de, en, ...) when the source knows it.')),
    createdAt: z.iso.datetime({ offset: true }).check(z.describe('When it was written, ISO 8601 with Z or an offset.')),
    isOwnAccount: z
      ._default(z.boolean(), false)
      .check(
        z.describe(
          "True when the company itself wrote it (a reply): it is recorded as the company's response, not a new case.",
        ),
      ),
    type: z
      .optional(z.string().check(z.minLength(1), z.maxLength(100)))
      .check(z.describe("The source's event type, kept as the mention's rawType; default generic.<source>.")),
  })
  .check(z.describe('One mention sent by a generic source.'));
export type GenericMentionInput = z.output<typeof GenericMentionInputSchema>;

export const GenericBodySchema = z
  .union([
    GenericMentionInputSchema,
    z.array(GenericMentionInputSchema).check(z.minLength(1), z.maxLength(GENERIC_MAX_MENTIONS)),
  ])
  .check(
    z.meta({
      $id: 'https://backchannel.example/schemas/generic-mention.schema.json',
      title: 'Backchannel generic webhook body',
      description:
        'POST /webhooks/generic/<source> with X-Backchannel-Timestamp: <unix seconds> and X-Backchannel-Signature: sha256=<hex HMAC-SHA256 of timestamp + "." + body>. One mention or a list of up to 100.',
    }),
  );

/** The JSON Schema of the generic body, as shipped in docs/generic-mention.schema.json. */
export function genericBodyJsonSchema(): string {
  return `${JSON.stringify(z.toJSONSchema(GenericBodySchema, { io: 'input', target: 'draft-2020-12' }), null, 2)}\n`;
}
