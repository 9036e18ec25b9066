/**
 * `@smithy/core/checksum` in the Lambda bundles (esbuild alias, infra/bundling.ts): the
 * SDK's module, but SHA-256 on node:crypto alone (./sha256.ts), without the pure JavaScript
 * fallback the SDK's Sha256Node keeps. Every other export is the SDK's own module: the package
 * declares no side effects, so esbuild keeps only those a bundle uses. The exports are all the
 * names the SDK's modules import from the package (esbuild checks them even in code it leaves
 * out); Sha256Js, Sha256Node and Sha256WebCrypto are the node:crypto class too (the same digests).
 * Tests and `npm start` use the real module.
 */
export {
  blobHasher,
  blobReader,
  Crc32,
  Crc32Js,
  Crc32Node,
  fileStreamHasher,
  Md5,
  Md5Js,
  Md5Node,
  readableStreamHasher,
  // @ts-expect-error the SDK's ES modules have no declarations beside them (they are in dist-types); the names are checked by esbuild
} from '../../node_modules/@smithy/core/dist-es/submodules/checksum/index.js';
export { Sha256, Sha256 as Sha256Js, Sha256 as Sha256Node, Sha256 as Sha256WebCrypto } from './sha256.ts';
