/**
 * The README's "Deploying a company" section, followed start to finish for a new company
 * as an admin does it, with the CLI only: `init` (non-interactive), `validate`,
 * `cdk synth`, `npm start --company`, a signed mention sent to it, and `cases` showing the
 * new case. The company lives in a temporary project directory (companies/<id>.yaml and
 * .backchannel/<id>/ under it); `cdk synth` takes the config's path.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { queueOutputKey } from '../../infra/aws/stack-outputs.ts';
import { departmentQueueId } from '../../infra/topology-constants.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const TSX = pathToFileURL(path.join(ROOT, 'node_modules/tsx/dist/loader.mjs')).href;
const CLI = path.join(ROOT, 'bin/backchannel.ts');
/** The SDK's Node version notice and the functions' logs would only bury the CLI's output. */
const QUIET = {
  ...process.env,
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  POWERTOOLS_LOG_LEVEL: 'ERROR',
  POWERTOOLS_METRICS_DISABLED: 'true',
};
const PAGE_ID = '118800224466';

describe('Deploying a company, as the README says', () => {
  const cwd = mkdtempSync(path.join(os.tmpdir(), 'bc-deploy-'));
  const company = `isar-${process.pid}`;
  const configFile = path.join(cwd, 'companies', `${company}.yaml`);
  let runtime: ChildProcess | undefined;

  const backchannel = (...args: string[]) =>
    promisify(execFile)(process.execPath, ['--import', TSX, CLI, ...args], { cwd, env: QUIET });

  afterAll(async () => {
    if (runtime?.pid !== undefined && runtime.exitCode === null) {
      const exited = new Promise((resolve) => runtime?.once('exit', resolve));
      process.kill(runtime.pid, 'SIGTERM');
      await exited;
    }
    rmSync(cwd, { recursive: true, force: true });
  });

  /** The README's step: `backchannel send --text` builds the Facebook comment envelope, signs it with the running runtime's secret and POSTs it. */
  async function sendMention(text: string): Promise<string> {
    const { stdout } = await backchannel(
      'send',
      '--text',
      text,
      '--platform',
      'meta',
      '--author',
      'Petra Lang',
      '--company',
      company,
    );
    return stdout;
  }

  /** Starts `npm start -- --company <id>` (persisted, a free port) and resolves when it serves. */
  function start(): Promise<string> {
    runtime = spawn(process.execPath, ['--import', TSX, CLI, 'start', '--company', company, '--port', '0'], {
      cwd,
      env: QUIET,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    return new Promise((resolve, reject) => {
      runtime?.stdout?.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
        if (stdout.includes('Stop with Ctrl+C.')) resolve(stdout);
      });
      runtime?.stderr?.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
      });
      runtime?.once('exit', (code) => reject(new Error(`npm start exited with ${code}:\n${stderr}`)));
    });
  }

  it('init, validate, cdk synth, npm start, send and cases give the new case', async () => {
    // Act 1: init, non-interactive
    const init = await backchannel(
      'init',
      company,
      '--name',
      'Isar Versicherung AG',
      '--timezone',
      'Europe/Berlin',
      '--region',
      'DE-BY',
      '--department',
      'service:Kundenservice:lead=Ole Hansen <ole@isar.example>:member=Ada Roth <ada@isar.example>',
      '--department',
      'press:Presse',
      '--department',
      'legal',
      '--platform',
      `meta:pageId=${PAGE_ID}`,
    );

    // Assess 1: a config file and the next steps for both backends
    expect(existsSync(configFile)).toBe(true);
    expect(init.stdout).toContain(`npm start -- --company ${company}`);
    expect(init.stdout).toContain(`npx cdk deploy -c company=${company}`);
    expect(init.stdout).toContain(`backchannel/${company}/meta`);

    // Act 2: validate
    const validate = await backchannel('validate', `companies/${company}.yaml`);

    // Assess 2
    expect(validate.stdout).toContain(
      `companies/${company}.yaml: valid (company ${company}, 3 departments, 0 rules, fallback service)`,
    );

    // Act 3: cdk synth, offline, into a temporary cloud assembly
    const outdir = path.join(cwd, 'cdk.out');
    await promisify(execFile)('npx', ['cdk', 'synth', '-c', `company=${configFile}`, '--quiet', '-o', outdir], {
      cwd: ROOT,
      env: QUIET,
    });

    // Assess 3: the company's own stack, with a queue per department it chose
    const template = JSON.parse(readFileSync(path.join(outdir, `Backchannel-${company}.template.json`), 'utf8')) as {
      Resources: Record<string, { Type: string; Properties?: Record<string, unknown> }>;
      Outputs: Record<string, { Value: unknown }>;
    };
    // CloudFormation names the queues; the stack outputs each one's name for the CLI.
    const queueOutputs = Object.keys(template.Outputs).filter((key) => /^QueueDept[A-Za-z]+$/.test(key));
    expect(queueOutputs).toEqual(
      expect.arrayContaining(['service', 'press', 'legal'].map((d) => queueOutputKey(departmentQueueId(d)))),
    );
    expect(
      Object.values(template.Resources).filter((r) => r.Type === 'AWS::SQS::Queue' && r.Properties?.QueueName),
    ).toEqual([]);

    // Act 4: npm start -- --company <id>
    const started = await start();

    // Assess 4
    expect(started).toContain(`Backchannel is running for Isar Versicherung AG (${company})`);
    expect(started).toMatch(/meta\s+http:\/\/127\.0\.0\.1:\d+\/webhooks\/meta/);

    // Act 5: a customer complains on the company's page
    const sent = await sendMention(
      'Seit drei Wochen keine Antwort auf meine Schadensmeldung, Isar Versicherung. Echt enttäuschend!',
    );

    // Assess 5
    expect(sent).toMatch(/^HTTP 200/);

    // Act 6: cases, until the pipeline has made the case
    let cases = '';
    for (const deadline = Date.now() + 60_000; Date.now() < deadline && !cases.includes('Schadensmeldung'); ) {
      cases = (await backchannel('cases', '--company', company)).stdout;
    }

    // Assess 6: one open case of customer service, from Facebook, with the complaint; in
    // business hours it is assigned to the member on duty at once, outside them it waits
    expect(cases).toContain('1 open cases of every department (times in Europe/Berlin)');
    expect(cases).toMatch(
      /^service\s+case_\S+\s+(new\s+\S+\s+complaint\s+-|assigned\s+\S+\s+complaint\s+ada@isar\.example)\s+.*facebook\s+1\s+Seit drei Wochen keine Antwort auf meine Schadensmeldung/m,
    );
  }, 300_000);
});
