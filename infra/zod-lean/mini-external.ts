// The named exports of zod/mini's external.js, less its locales (see mini.ts).
export * as core from './core.ts';
export * from '../../node_modules/zod/v4/mini/parse.js';
export * from '../../node_modules/zod/v4/mini/schemas.js';
export * from '../../node_modules/zod/v4/mini/checks.js';
export { deepPartial } from '../../node_modules/zod/v4/mini/deep-partial.js';
export { input, output } from '../../node_modules/zod/v4/mini/in-out.js';
export * from './core-api.ts';
export { toJSONSchema } from '../../node_modules/zod/v4/core/json-schema-processors.js';
export * as iso from '../../node_modules/zod/v4/mini/iso.js';
export {
  ZodMiniISODateTime,
  ZodMiniISODate,
  ZodMiniISOTime,
  ZodMiniISODuration,
} from '../../node_modules/zod/v4/mini/iso.js';
export * as coerce from '../../node_modules/zod/v4/mini/coerce.js';
