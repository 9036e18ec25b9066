import { z } from 'zod';
import { MENTION_KINDS } from '../domain/mention.ts';

/**
 * The documented body of `POST /webhooks/generic/<source>`: one mention or a list of them,
 * as review sites, forms and a company's own tools send them. Its JSON Schema is generated
 * from these zod schemas into docs/generic-mention.schema.json
 * (`npx tsx shared/platforms/write-generic-schema.ts`).
 */

/** Most mentions one request may carry. */
export const GENERIC_MAX_MENTIONS = 100;

const id = z.string().min(1).max(200);

export const GenericMentionInputSchema = z
  .strictObject({
    id: id.describe("The source's own id of this mention; with the source it is the dedupe key."),
    kind: z.enum(MENTION_KINDS).default('mention').describe('What it is; default mention.'),
    threadId: id.optional().describe('The conversation it belongs to (a review and its replies); default: its own id.'),
    inReplyTo: id.optional().describe('The id of the mention it answers, if any.'),
    url: z.url().optional().describe('Where a person can read it.'),
    author: z
      .strictObject({
        id: id.describe("The source's id of the author."),
        name: z.string().max(200).optional().describe('Display name.'),
        handle: z.string().max(200).optional(),
        followers: z.number().int().nonnegative().optional().describe('Follower count, when known.'),
      })
      .describe('Who wrote it.'),
    text: z.string().max(50_000).describe('What they wrote; may be empty.'),
    language: z.string().min(2).max(35).optional().describe('Language code (de, en, ...) when the source knows it.'),
    createdAt: z.iso.datetime({ offset: true }).describe('When it was written, ISO 8601 with Z or an offset.'),
    isOwnAccount: z
      .boolean()
      .default(false)
      .describe(
        "True when the company itself wrote it (a reply): it is recorded as the company's response, not a new case.",
      ),
    type: z
      .string()
      .min(1)
      .max(100)
      .optional()
      .describe("The source's event type, kept as the mention's rawType; default generic.<source>."),
  })
  .describe('One mention sent by a generic source.');
export type GenericMentionInput = z.output<typeof GenericMentionInputSchema>;

export const GenericBodySchema = z
  .union([GenericMentionInputSchema, z.array(GenericMentionInputSchema).min(1).max(GENERIC_MAX_MENTIONS)])
  .meta({
    $id: 'https://backchannel.example/schemas/generic-mention.schema.json',
    title: 'Backchannel generic webhook body',
    description:
      'POST /webhooks/generic/<source> with X-Backchannel-Timestamp: <unix seconds> and X-Backchannel-Signature: sha256=<hex HMAC-SHA256 of timestamp + "." + body>. One mention or a list of up to 100.',
  });

/** The JSON Schema of the generic body, as shipped in docs/generic-mention.schema.json. */
export function genericBodyJsonSchema(): string {
  return `${JSON.stringify(z.toJSONSchema(GenericBodySchema, { io: 'input', target: 'draft-2020-12' }), null, 2)}\n`;
}
