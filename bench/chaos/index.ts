/**
 * `npm run chaos`: both chaos benches in one run, each printing its table. The defaults
 * are small, to finish in a few minutes on a laptop; the flags scale it up.
 *
 *   npm run chaos
 *   npm run chaos -- --sigkill-mentions 2000 --runs 4 --sigint --baseline --mentions 200
 *   npm run chaos -- --skip-sigkill --case dynamodb-throttling --rate 0.5 --mentions 100
 *
 * 1. SIGKILL (bench/chaos/sigkill.ts): `npm start` killed during a burst of webhooks and
 *    restarted; every webhook answered 200 must be stored once. `--runs` kills, spread from
 *    early to late in the burst; `--sigint` adds a Ctrl-C run, `--baseline` a run without
 *    the queue journal.
 * 2. Fault injection (bench/chaos/faults.ts): every fault case (or `--case`), each on its
 *    own embedded runtime, at fault rate `--rate`.
 *
 * Exit code 1 when a journaled SIGKILL run lost or duplicated a mention, or a fault case
 * lost a mention, duplicated a case or left one in a DLQ.
 */
import { parseArgs } from 'node:util';
import { FAULT_CASES, faultTable, runFaultCase, type FaultCase, type FaultRun } from './faults.ts';
import { formatSigkillRows, runSigkill, type SigkillRow } from './sigkill.ts';

const DEFAULTS = { sigkillMentions: 300, runs: 2, mentions: 40, rate: 0.2, seed: 1 };

const log = (line: string) => process.stderr.write(`${line}\n`);

function positive(name: string, value: string | undefined, fallback: number, integer = true): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!(n > 0) || (integer && !Number.isInteger(n)))
    throw new Error(`--${name} takes a ${integer ? 'whole ' : ''}number above 0, got "${value}"`);
  return n;
}

/** Where in the burst each of `runs` SIGKILLs falls: spread evenly between 10 % and 95 %. */
function killPoints(runs: number): number[] {
  if (runs === 1) return [0.5];
  return Array.from({ length: runs }, (_, i) => Number((0.1 + (0.85 * i) / (runs - 1)).toFixed(2)));
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      'sigkill-mentions': { type: 'string' },
      runs: { type: 'string' },
      sigint: { type: 'boolean' },
      baseline: { type: 'boolean' },
      mentions: { type: 'string' },
      rate: { type: 'string' },
      seed: { type: 'string' },
      case: { type: 'string' },
      'skip-sigkill': { type: 'boolean' },
      'skip-faults': { type: 'boolean' },
    },
  });
  const sigkillMentions = positive('sigkill-mentions', values['sigkill-mentions'], DEFAULTS.sigkillMentions);
  const runs = positive('runs', values.runs, DEFAULTS.runs);
  const mentions = positive('mentions', values.mentions, DEFAULTS.mentions);
  const rate = positive('rate', values.rate, DEFAULTS.rate, false);
  const seed = positive('seed', values.seed, DEFAULTS.seed);
  if (values.case !== undefined && !FAULT_CASES.includes(values.case as FaultCase)) {
    throw new Error(`--case takes one of ${FAULT_CASES.join(', ')}, got "${values.case}"`);
  }
  const started = performance.now();
  let failed = false;

  if (!values['skip-sigkill']) {
    const rows: SigkillRow[] = [];
    rows.push(
      ...(await runSigkill({ mentions: sigkillMentions, runs, signal: 'SIGKILL', killAt: killPoints(runs), log })),
    );
    if (values.sigint) rows.push(...(await runSigkill({ mentions: sigkillMentions, runs: 1, signal: 'SIGINT', log })));
    if (values.baseline)
      rows.push(...(await runSigkill({ mentions: sigkillMentions, runs: 1, signal: 'SIGKILL', journal: false, log })));
    process.stdout.write(
      `## Chaos: SIGKILL of npm start during a burst (${sigkillMentions} webhooks per run)\n\n${formatSigkillRows(rows)}\n\n`,
    );
    failed ||= rows.some(
      (r) =>
        r.journal && (r.lost > 0 || r.duplicateCases > 0 || r.duplicateMentions > 0 || r.storedAtEnd !== r.mentions),
    );
  }

  if (!values['skip-faults']) {
    const faults: FaultRun[] = [];
    for (const name of FAULT_CASES) {
      if (values.case !== undefined && values.case !== name) continue;
      log(`chaos:faults ${name} (${mentions} webhooks, fault rate ${rate}) ...`);
      faults.push(await runFaultCase(name, { mentions, rate, seed }));
    }
    process.stdout.write(
      `## Fault injection (${mentions} webhooks per case, fault rate ${rate}, seed ${seed})\n\n${faultTable(faults)}\n\n`,
    );
    process.stdout.write(
      'lost = acknowledged - stored - intake DLQ; every case should end with lost 0, duplicate cases 0, cases notified = cases and duplicate notifications 0.\n\n',
    );
    failed ||= faults.some(
      (r) => r.lost > 0 || r.duplicateCases > 0 || r.intakeDlq > 0 || r.departmentDlq > 0 || r.notified < r.cases,
    );
  }

  process.stdout.write(
    `chaos: ${((performance.now() - started) / 1000).toFixed(0)} s in all${failed ? '; FAILED: see the rows above' : ''}\n`,
  );
  if (failed) process.exitCode = 1;
}

await main();
