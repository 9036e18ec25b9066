/**
 * The CDK app (`cdk.json`): `npx cdk synth -c company=<id>` synthesizes the stack of
 * `companies/<id>.yaml` (default `demo`). A path to a `.yaml` file works as well.
 */
import { ConfigError, loadCompanyConfig } from '../../shared/config/load.ts';
import { PROJECT_ROOT, addCompanyStack, createApp } from './build-app.ts';

const app = createApp();
const company = String(app.node.tryGetContext('company') ?? 'demo');

try {
  addCompanyStack(app, await loadCompanyConfig(company, PROJECT_ROOT));
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  // file:line:column of every problem, nothing else: the CLI shows it as the reason.
  process.stderr.write(`${error.message}\n`);
  process.exit(1);
}

app.synth();
