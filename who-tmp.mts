import { build } from 'esbuild';
import { mkdtempSync } from 'node:fs';
import { lambdaBuildOptions } from '/work/wt/registry/infra/bundling.ts';
import { buildTopology } from '/work/wt/registry/infra/topology.ts';
import { demoConfig } from '/work/wt/registry/test/factories/config.ts';
const config = demoConfig();
const spec = buildTopology(config).functions.find((f) => f.id === process.argv[2])!;
const r = await build(lambdaBuildOptions(spec, config, process.cwd(), mkdtempSync('/tmp/registry-tools/w-')));
const out = Object.values(r.metafile!.outputs).find((o) => o.entryPoint)!;
for (const [k, v] of Object.entries(r.metafile!.inputs))
  for (const i of v.imports)
    if (new RegExp(process.argv[3]).test(i.path)) console.log(k, '->', i.path, i.kind, out.inputs[k]?.bytesInOutput);
