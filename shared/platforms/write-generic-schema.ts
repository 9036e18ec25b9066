/**
 * Writes docs/generic-mention.schema.json from the zod schema of the generic webhook body.
 * Run after changing shared/platforms/generic-schema.ts:
 * `npx tsx shared/platforms/write-generic-schema.ts`. A test fails while the file is stale.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { genericBodyJsonSchema } from './generic-schema.ts';

export const GENERIC_SCHEMA_FILE = fileURLToPath(new URL('../../docs/generic-mention.schema.json', import.meta.url));

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  writeFileSync(GENERIC_SCHEMA_FILE, genericBodyJsonSchema());
  process.stdout.write(`wrote ${GENERIC_SCHEMA_FILE}\n`);
}
