import * as anyModel from './any.ts';
import * as deModel from './de.ts';
import * as enModel from './en.ts';
import type { ModelLanguage } from '../model-codec.ts';

/**
 * The shipped models as encoded text, built by `npm run train`. Importing this module
 * costs only the parsing of three string literals; each model is decoded on first use.
 */
export const SHIPPED_MODELS: Readonly<Record<ModelLanguage, { readonly id: string; readonly base64: string }>> = {
  de: { id: deModel.MODEL_ID, base64: deModel.MODEL_BASE64 },
  en: { id: enModel.MODEL_ID, base64: enModel.MODEL_BASE64 },
  any: { id: anyModel.MODEL_ID, base64: anyModel.MODEL_BASE64 },
};
