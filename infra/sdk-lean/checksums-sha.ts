/**
 * `@aws-sdk/checksums/sha` in the Lambda bundles (esbuild alias, infra/bundling.ts): the SDK's
 * module, but SHA-1 and SHA-256 on node:crypto alone (./sha256.ts), without the pure JavaScript
 * fallbacks. Sha512 and its variants are the SDK's own (the package declares no side effects,
 * so esbuild keeps only what a bundle uses). The exports are all the names of the SDK's module.
 * Tests and `npm start` use the real module.
 */
export {
  Sha512,
  Sha512Js,
  Sha512WebCrypto,
  // @ts-expect-error the SDK's ES modules have no declarations beside them (they are in dist-types); the names are checked by esbuild
} from '../../node_modules/@aws-sdk/checksums/dist-es/submodules/sha/index.js';
export { Sha1, Sha1 as Sha1Js, Sha1 as Sha1Node, Sha1 as Sha1WebCrypto } from './sha256.ts';
export { Sha256, Sha256 as Sha256Js, Sha256 as Sha256Node } from './sha256.ts';
