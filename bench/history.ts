/**
 * `npm run bench:history [-- --weeks 6]`: how long `npm start -- --history` takes to play
 * its history (default one week of it; `--weeks 6` is the whole), each run into a fresh
 * in-memory dynalite table with the demo company. Baseline: the same customer mentions
 * alone (classified, routed, recorded, assigned: no replies, resolutions, approvals or SLA
 * sweeps), to show what the case handling adds. Prints a Markdown table with the machine's load average, since
 * the time depends on what else runs.
 */
import os from 'node:os';
import { parseArgs } from 'node:util';
import { adminEnv } from '../infra/local/demo.ts';
import type { History } from '../infra/local/history/generate.ts';
import { playHistory, type PlayResult } from '../infra/local/history/play.ts';
import { startHistoryOf } from '../infra/local/history/start.ts';
import { buildTopology } from '../infra/topology.ts';
import { demoConfig } from '../test/factories/config.ts';
import { startLocalTable } from '../test/support/local-table.ts';

const { values } = parseArgs({ options: { weeks: { type: 'string', default: '1' } } });
const weeks = Number(values.weeks);
if (!Number.isInteger(weeks) || weeks < 1 || weeks > 6) {
  process.stderr.write('--weeks takes 1 to 6\n');
  process.exit(2);
}

const config = demoConfig();
const table = buildTopology(config).table;
const full = startHistoryOf(config, new Date('2026-12-03T09:00:00Z'), weeks);
const mentionsOnly: History = { plan: full.plan, events: full.events.filter((e) => e.type === 'mention') };

async function play(history: History, slaSweeps: boolean): Promise<PlayResult & { load: number }> {
  const local = await startLocalTable(table);
  try {
    const load = os.loadavg()[0] ?? 0;
    const result = await playHistory({
      config,
      env: adminEnv('eu-central-1', local.backend.endpoint),
      tableName: table.name,
      history,
      slaSweeps,
    });
    return { ...result, load };
  } finally {
    await local.backend.stop();
  }
}

const rows: string[][] = [];
for (const [name, history, slaSweeps] of [
  ['baseline: the customer mentions alone (classified, routed, recorded, assigned)', mentionsOnly, false],
  ['the history: with replies, approvals, resolutions, SLA sweeps', full, true],
] as const) {
  const r = await play(history, slaSweeps);
  rows.push([
    name,
    String(r.mentions),
    String(history.events.length),
    String(r.caseChanges.respond ?? 0),
    String(r.resolved),
    (r.elapsedMs / 1000).toFixed(1),
    r.mentionsPerSecond.toFixed(1),
    ((history.events.length / r.elapsedMs) * 1000).toFixed(1),
    r.load.toFixed(1),
  ]);
}
process.stdout.write(
  `## History play (${weeks} week${weeks > 1 ? 's' : ''}, ${full.plan.from}..${full.plan.to}, demo company, in-memory dynalite, ${os.cpus().length} cores)\n\n`,
);
const header = ['run', 'mentions', 'events', 'responded', 'resolved', 'seconds', 'mentions/s', 'events/s', 'load avg'];
process.stdout.write(
  `${[`| ${header.join(' | ')} |`, `|${header.map((_, i) => (i === 0 ? '---' : '---:')).join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n')}\n`,
);
