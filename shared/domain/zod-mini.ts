/**
 * zod/mini, the tree-shakable API of the same zod package, for the schemas on the hot path
 * (mentions, events, handler inputs): a function that imports only these carries none of
 * classic zod in its bundle (issue 12, bundle size and cold import). Checks are functions
 * (`z.optional(s)`, `s.check(z.minLength(1))`) instead of methods.
 *
 * Import it as a namespace, `import * as z from '.../zod-mini.ts'`: esbuild then keeps only
 * the functions a bundle calls. A namespace object passed on as a value (`export { z }`)
 * would keep all of zod's core (JSON Schema, compile) in every bundle.
 *
 * zod/mini registers no messages of its own; English is registered here, so that a rejected
 * input says what is wrong ("Invalid input: expected string, received number"), as classic
 * zod does.
 */
import { config } from 'zod/mini';
import en from 'zod/v4/locales/en.js';

config(en());

export * from 'zod/mini';
