import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { ModelLanguage } from './model-codec.ts';
import { SHIPPED_MODELS } from './models/index.ts';

/**
 * Where the shipped models come from (issue 12). From source they are the modules in
 * ./models (`npm run train` writes them). A bundle does not carry them: 2.6 MB of base64
 * string literals cost every cold start their parsing, and a company needs the models of
 * its configured languages only. infra/bundling.ts writes those (plus the
 * language-agnostic `any`) as files beside the bundle, with the same base64 text, and
 * defines `process.env.BACKCHANNEL_MODEL_FILES` as their folder; a model is read from
 * there the first time the classifier needs it.
 */

/** The base64 text and id of a shipped model, as `decodeModel` reads them. */
export interface ShippedModel {
  readonly id: string;
  readonly base64: string;
}

/** What a bundle's model folder lists: the id of each model shipped beside it (`<language>.b64`). */
export const MODEL_MANIFEST = 'models.json';

/**
 * The shipped model of a language, or undefined when this bundle does not ship it (a
 * language the company does not configure: the classifier takes `any`).
 * @throws Error when the bundle's manifest names a model whose file is missing (a build error)
 */
export function shippedModel(language: ModelLanguage): ShippedModel | undefined {
  // Spelled out so that esbuild, which replaces the expression in a bundle, drops the
  // modules of ./models with the branch that reads them.
  return process.env.BACKCHANNEL_MODEL_FILES
    ? modelFile(path.join(import.meta.dirname, process.env.BACKCHANNEL_MODEL_FILES), language)
    : SHIPPED_MODELS[language];
}

let manifest: Readonly<Partial<Record<ModelLanguage, string>>> | undefined;

function modelFile(dir: string, language: ModelLanguage): ShippedModel | undefined {
  manifest ??= JSON.parse(readFileSync(path.join(dir, MODEL_MANIFEST), 'utf8')) as Partial<
    Record<ModelLanguage, string>
  >;
  const id = manifest[language];
  if (id === undefined) return undefined;
  return { id, base64: readFileSync(path.join(dir, `${language}.b64`), 'utf8') };
}
