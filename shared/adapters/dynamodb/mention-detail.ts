import { deflateRawSync, inflateRawSync } from 'node:zlib';
import type { StoredMention } from '../../domain/ports.ts';

/**
 * The classification and routing of a stored mention as one binary attribute: a version
 * byte, then the deflate of their JSON with a preset dictionary of the JSON's usual
 * skeleton. As attributes they take 1.5-2 KB (the reasons, probabilities and matched rules),
 * which made the mention item 3 write units; deflated alone about 650 bytes, with the
 * dictionary about 300-400, so a mention of a few hundred characters stays under 1 KB
 * (1 write unit).
 *
 * The dictionary of a version never changes (items written with it must stay readable);
 * a better dictionary is a new version byte beside the old one.
 */
const VERSION_1 = 1;

/** The JSON a detail usually holds, with its values' common beginnings: what deflate may refer back to. */
const DICTIONARY_1 = Buffer.from(
  '{"classification":{"language":"de","relevant":true,"sentiment":"negative","category":"complaint","urgency":0.,' +
    '"confidence":0.,"reasons":[{"decision":"language","feature":"function words: de","weight":1},' +
    '{"decision":"relevance","feature":"relevant: word \\"","weight":0.},{"decision":"sentiment","feature":"negative: word \\"","weight":0.},' +
    '{"decision":"sentiment","feature":"neutral: word \\"","weight":0.},{"decision":"category","feature":"complaint: word \\"","weight":0.},' +
    '{"decision":"urgency","feature":"negative sentiment","weight":0.}],"model":"ngram-de@","relevance":0.,' +
    '"sentiments":[{"label":"negative","probability":0.},{"label":"neutral","probability":0.},{"label":"positive","probability":0.}],' +
    '"alternatives":[{"label":"complaint","probability":0.},{"label":"praise","probability":0.}],"languageFallback":false},' +
    '"routing":{"department":"service","cc":[],"priority":"normal","reasons":["rule ","priority high from rule "],"tags":[],' +
    '"requireApproval":false,"matched":[{"rule":"","why":[""],"effects":["department ","priority high",' +
    '"approval required before replying","stop"]}],"keyAccounts":[]}}',
);

type Detail = Pick<StoredMention, 'classification' | 'routing'>;

/** The `detail` attribute of a mention item. */
export function encodeMentionDetail(detail: Detail): Uint8Array {
  const json = JSON.stringify({ classification: detail.classification, routing: detail.routing });
  const packed = deflateRawSync(json, { dictionary: DICTIONARY_1 });
  return Buffer.concat([Buffer.of(VERSION_1), packed]);
}

/**
 * The classification and routing of a `detail` attribute.
 * @throws Error for a version this release does not know (an item of a newer release)
 */
export function decodeMentionDetail(bytes: Uint8Array): Detail {
  if (bytes[0] !== VERSION_1) throw new Error(`mention detail of unknown version ${bytes[0]}`);
  return JSON.parse(inflateRawSync(bytes.subarray(1), { dictionary: DICTIONARY_1 }).toString('utf8')) as Detail;
}
