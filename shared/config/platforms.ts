import { z } from 'zod';
import { platformDefinitions } from '../platforms/registry.ts';

/**
 * The `platforms` section of a company config: one optional entry per registered platform
 * (shared/platforms/registry.ts), each with the schema and description its platform file
 * declares (`config`). A platform registered there needs nothing here.
 *
 * Every entry may name its secret (`secretName`); it defaults to
 * `backchannel/<company>/<platform>`.
 */
type Definition = (typeof platformDefinitions)[number];
type PlatformsShape = { [D in Definition as D['id']]: z.ZodOptional<D['config']['schema']> };

// The platforms declare their entries with zod/mini (no classic methods): classic's
// `z.optional` takes any zod schema, classic or mini, since both share zod's core.
const shape = Object.fromEntries(
  platformDefinitions.map((definition) => [
    definition.id,
    z.optional(definition.config.schema).meta({ description: definition.config.description }),
  ]),
) as PlatformsShape;

export const PlatformsSchema = z.strictObject(shape).default({}).meta({
  description: 'the platforms the company is on, one entry each; a platform without an entry is refused (404)',
});
export type PlatformsConfig = z.infer<typeof PlatformsSchema>;
