import { App, Validations, type AppProps } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { fileURLToPath } from 'node:url';
import type { CompanyConfig } from '../../shared/config/schema.ts';
import { CompanyStack } from './company-stack.ts';
import { LEGACY_NAMES_CONTEXT, legacyNamesRequested } from './physical-names.ts';
import { stackName } from './stack-outputs.ts';

/** The repository root: function entries, package-lock.json and companies/ live there. */
export const PROJECT_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Tag on the stack (and so, by CloudFormation, on every resource) naming the company. */
export const COMPANY_TAG = 'backchannel:company';

export { stackName } from './stack-outputs.ts';

export interface BuildAppOptions {
  /** Context for a new App (feature flags, `aws:cdk:bundling-stacks`); the CLI passes its own. */
  readonly context?: AppProps['context'];
  readonly outdir?: string;
}

/**
 * An App with cdk-nag's AWS Solutions checks, which run when it synthesizes. Every
 * acknowledged finding is also written into the template (`Metadata.cdk_nag`), so the
 * reasons travel with what is deployed.
 */
export function createApp(options: BuildAppOptions = {}): App {
  const app = new App({
    ...(options.context ? { context: options.context } : {}),
    ...(options.outdir ? { outdir: options.outdir } : {}),
  });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { writeSuppressionsToCloudFormation: true }));
  return app;
}

/** Adds the stack `Backchannel-<companyId>` of one company to an app. */
export function addCompanyStack(app: App, config: CompanyConfig): CompanyStack {
  const companyId = config.company.id;
  return new CompanyStack(app, stackName(companyId), {
    description: `Backchannel for ${config.company.name} (${companyId})`,
    tags: { [COMPANY_TAG]: companyId },
    config,
    projectRoot: PROJECT_ROOT,
    sourceMaps: String(app.node.tryGetContext('sourceMaps')) === 'true',
    legacyNames: legacyNamesRequested(app.node.tryGetContext(LEGACY_NAMES_CONTEXT)),
  });
}

/** The value of `-c company=` that asks for every company's stack. */
export const ALL_COMPANIES = 'all';

/**
 * The companies an app synthesizes, from the `company` context: absent or `all`: every
 * `companies/*.yaml`; `a,b`: those; one id or a path to a `.yaml` file: that one.
 */
export function requestedCompanies(context: unknown): typeof ALL_COMPANIES | string[] {
  if (
    context === undefined ||
    context === null ||
    String(context).trim() === '' ||
    String(context).trim() === ALL_COMPANIES
  )
    return ALL_COMPANIES;
  return String(context)
    .split(',')
    .map((c) => c.trim())
    .filter((c) => c.length > 0);
}

/**
 * One app with one isolated stack per company: each stack has its own table, key, bus,
 * queues and secrets, named with its company prefix; no stack references another.
 * @throws Error when two configs have the same company id (their stacks would collide)
 */
export function buildAppForCompanies(
  configs: readonly CompanyConfig[],
  options: BuildAppOptions = {},
): { app: App; stacks: CompanyStack[] } {
  const ids = configs.map((c) => c.company.id);
  const twice = ids.find((id, index) => ids.indexOf(id) !== index);
  if (twice) throw new Error(`company id "${twice}" is used by two configs; each company needs its own id`);
  const app = createApp(options);
  return { app, stacks: configs.map((config) => addCompanyStack(app, config)) };
}

/**
 * The whole app for one company, without the CLI: tests synthesize it in-process.
 *
 * @example
 * const { app, stack } = buildApp(config, { context: { 'aws:cdk:bundling-stacks': [] } });
 * const template = Template.fromStack(stack);
 */
export function buildApp(config: CompanyConfig, options: BuildAppOptions = {}): { app: App; stack: CompanyStack } {
  const app = createApp(options);
  return { app, stack: addCompanyStack(app, config) };
}
