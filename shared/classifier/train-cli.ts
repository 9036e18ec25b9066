import path from 'node:path';
import { buildModels } from './build-models.ts';

/** `npm run train [-- --corpus <dir> --out <dir>]`: trains and writes the shipped models. */
function argument(name: string): string | undefined {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 ? process.argv[at + 1] : undefined;
}

const corpusDir = argument('corpus');
const outDir = argument('out');
const started = Date.now();
const built = buildModels({
  ...(corpusDir ? { corpusDir: path.resolve(corpusDir) } : {}),
  ...(outDir ? { outDir: path.resolve(outDir) } : {}),
});
for (const model of built) {
  const scores = model.heldOut
    ? Object.entries(model.heldOut.heads)
        .map(([head, s]) => `${head} acc ${s.accuracy.toFixed(3)} macro-F1 ${s.macroF1.toFixed(3)}`)
        .join(', ')
    : 'no held-out examples';
  const temperatures = model.temperatures
    ? `; calibration T ${Object.entries(model.temperatures)
        .map(([head, t]) => `${head} ${t.toFixed(2)}`)
        .join(', ')}`
    : '';
  process.stdout.write(
    `${model.id}: ${model.trainExamples} train, ${model.heldOut?.examples ?? 0} held out; ${scores}${temperatures}; ${(model.bytes / 1024).toFixed(0)} KB -> ${path.relative(process.cwd(), model.file)}\n`,
  );
}
process.stdout.write(`trained in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
