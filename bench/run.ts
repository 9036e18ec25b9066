/**
 * `npm run bench` / `npm run bench:classifier`: prints the benchmark tables (Markdown).
 * eld is imported first and on its own so its one-time load is measured apart.
 */
const eldStart = performance.now();
await import('eld/extrasmall');
const eldLoadMs = performance.now() - eldStart;

const { calibrationSection, germEvalCalibrationSets, germEvalSection, heldOutSection, heldOutSets, speedSection } = await import('./classifier.ts');

const only = process.argv[2];
const sections: [string, () => string][] = [
  ['germeval', germEvalSection],
  ['heldout', heldOutSection],
  ['calibration', () => calibrationSection([...heldOutSets(), ...germEvalCalibrationSets()])],
  ['speed', () => speedSection(eldLoadMs)],
];
// Speed is measured first, in a process that has done nothing else yet (as a Lambda that
// only classifies), not after the GermEval training has filled the heap; printed in order.
const measured = new Map<string, string>();
if (!only || only === 'speed') measured.set('speed', speedSection(eldLoadMs));
process.stdout.write('## Classifier benchmark\n\n');
for (const [name, section] of sections) {
  if (only && only !== name) continue;
  process.stdout.write(`${measured.get(name) ?? section()}\n`);
}
