/**
 * The CDK app (`cdk.json`).
 *
 * - `npx cdk synth -c company=<id>`: the stack of `companies/<id>.yaml` (a path to a `.yaml`
 *   file works as well; `-c company=a,b` gives several).
 * - `-c company=all`, or no `company` at all: one stack per `companies/*.yaml`, so
 *   `npx cdk deploy --all` deploys every company and `npx cdk deploy Backchannel-acme` one.
 *
 * Every config is validated before any stack is built; an invalid one stops the app with
 * the same `file:line:column: path: message` lines as `backchannel validate`.
 */
import { ConfigError, loadAllCompanyConfigs, loadCompanyConfig } from '../../shared/config/load.ts';
import { ensureConsoleBuilt } from '../console-build.ts';
import { ALL_COMPANIES, PROJECT_ROOT, addCompanyStack, createApp, requestedCompanies } from './build-app.ts';

// serve-console bundles the console's build (console/dist): make it, or remake it after an edit.
await ensureConsoleBuilt((line) => process.stderr.write(`${line}\n`));

const app = createApp();
const requested = requestedCompanies(app.node.tryGetContext('company'));

try {
  const configs =
    requested === ALL_COMPANIES
      ? await loadAllCompanyConfigs(PROJECT_ROOT)
      : await Promise.all(requested.map((company) => loadCompanyConfig(company, PROJECT_ROOT)));
  for (const config of configs) addCompanyStack(app, config);
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  // file:line:column of every problem, nothing else: the CLI shows it as the reason.
  process.stderr.write(`${error.message}\n`);
  process.exit(1);
}

app.synth();
