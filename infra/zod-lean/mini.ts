// zod/mini (node_modules/zod/v4/mini/external.js) without `export * as locales`, as classic.ts
// does for classic zod: esbuild cannot shake a namespace re-export. Unlike classic zod, mini
// registers no locale; shared/domain/zod-mini.ts registers English itself. Used only through
// the esbuild alias in infra/bundling.ts.
import * as z from './mini-external.ts';

export * from './mini-external.ts';
export { z };
