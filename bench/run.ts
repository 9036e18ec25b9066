/**
 * `npm run bench` / `npm run bench:classifier`: prints the benchmark tables (Markdown).
 * eld is loaded first and on its own so its one-time load is measured apart, and so every
 * text below gets eld's answer (the classifier would otherwise start loading it on the first
 * text that needs it and not wait).
 */
const eldStart = performance.now();
await (await import('../shared/classifier/language.ts')).loadEld();
const eldLoadMs = performance.now() - eldStart;

const {
  calibrationSection,
  germEvalCalibrationSets,
  germEvalSection,
  heldOutSection,
  heldOutSets,
  realCategoryBlock,
  realTextSection,
  speedSection,
} = await import('./classifier.ts');

const only = process.argv[2];
const sections: [string, () => string][] = [
  ['germeval', germEvalSection],
  ['heldout', heldOutSection],
  ['real', realTextSection],
  // Part of `real`; on its own only when asked (`tsx bench/run.ts complaint`).
  ['complaint', () => realCategoryBlock()],
  ['calibration', () => calibrationSection([...heldOutSets(), ...germEvalCalibrationSets()])],
  ['speed', () => speedSection(eldLoadMs)],
];
// Speed is measured first, in a process that has done nothing else yet (as a Lambda that
// only classifies), not after the GermEval training has filled the heap; printed in order.
const measured = new Map<string, string>();
if (!only || only === 'speed') measured.set('speed', speedSection(eldLoadMs));
process.stdout.write('## Classifier benchmark\n\n');
for (const [name, section] of sections) {
  if (only ? only !== name : name === 'complaint') continue;
  process.stdout.write(`${measured.get(name) ?? section()}\n`);
}
