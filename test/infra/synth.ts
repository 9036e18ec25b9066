import { Stack, type App, type CfnElement } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PROJECT_ROOT, buildApp } from '../../infra/aws/build-app.ts';
import type { CompanyStack } from '../../infra/aws/company-stack.ts';
import type { CompanyConfig } from '../../shared/config/schema.ts';

/** The feature flags the CLI passes (cdk.json), so tests synthesize what `cdk synth` does. */
const CDK_JSON_CONTEXT = (
  JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'cdk.json'), 'utf8')) as { context: Record<string, unknown> }
).context;

type CloudAssembly = ReturnType<App['synth']>;

export interface ValidationViolation {
  readonly ruleName: string;
  readonly severity: string;
  readonly violatingConstructs: readonly { readonly constructPath: string }[];
}

export interface SynthesizedCompany {
  readonly stack: CompanyStack;
  readonly template: Template;
  readonly assembly: CloudAssembly;
  /** Unacknowledged findings of every validation plugin (cdk-nag, CloudFormation schema). */
  readonly violations: readonly (ValidationViolation & { readonly pluginName: string })[];
  /** Removes the temporary cloud assembly. */
  readonly dispose: () => void;
}

/**
 * Synthesizes one company's app in-process, like `cdk synth` but without bundling the
 * functions (esbuild's work costs seconds and `cdk synth` covers it).
 */
export function synthCompany(config: CompanyConfig): SynthesizedCompany {
  const outdir = mkdtempSync(path.join(os.tmpdir(), 'backchannel-cdk-'));
  const { app, stack } = buildApp(config, {
    outdir,
    context: {
      ...CDK_JSON_CONTEXT,
      'aws:cdk:bundling-stacks': [],
      // Report findings as the CLI does instead of throwing, so a test can name them.
      '@aws-cdk/core:failSynthOnValidationErrors': false,
    },
  });
  const assembly = app.synth();
  const report = JSON.parse(readFileSync(path.join(assembly.directory, 'validation-report.json'), 'utf8')) as {
    pluginReports: { pluginName: string; violations: ValidationViolation[] }[];
  };
  return {
    stack,
    template: Template.fromStack(stack),
    assembly,
    violations: report.pluginReports.flatMap((r) => r.violations.map((v) => ({ ...v, pluginName: r.pluginName }))),
    dispose: () => rmSync(outdir, { recursive: true, force: true }),
  };
}

/** The CloudFormation logical id of a construct's resource. */
export function logicalId(construct: IConstruct): string {
  const cfn = (construct.node.defaultChild ?? construct) as CfnElement;
  return String(Stack.of(cfn).resolve(cfn.logicalId));
}

export const ref = (construct: IConstruct): { Ref: string } => ({ Ref: logicalId(construct) });
export const arnOf = (construct: IConstruct): { 'Fn::GetAtt': [string, string] } => ({
  'Fn::GetAtt': [logicalId(construct), 'Arn'],
});

/** One allowed action on one resource: `sqs:SendMessage` on a queue's logical id, or on `*`. */
export interface Permission {
  readonly action: string;
  readonly resource: string;
}

interface PolicyStatement {
  readonly Effect: string;
  readonly Action: string | string[];
  readonly Resource: unknown;
}

/** Every action a role's policies allow, per resource it names (by logical id, or `*`). */
export function permissionsOf(template: Template, role: IConstruct): Permission[] {
  const roleId = logicalId(role);
  const policies = Object.values(template.findResources('AWS::IAM::Policy')) as {
    Properties: { Roles: unknown[]; PolicyDocument: { Statement: PolicyStatement[] } };
  }[];
  return policies
    .filter((p) => p.Properties.Roles.some((r) => JSON.stringify(r) === JSON.stringify({ Ref: roleId })))
    .flatMap((p) => p.Properties.PolicyDocument.Statement)
    .filter((s) => s.Effect === 'Allow')
    .flatMap((s) => {
      const actions = Array.isArray(s.Action) ? s.Action : [s.Action];
      const resources = Array.isArray(s.Resource) ? s.Resource : [s.Resource];
      return actions.flatMap((action) => resources.map((resource) => ({ action, resource: resourceName(resource) })));
    });
}

/** `*`, or the logical id a resource expression refers to (`<table arn>/index/*` -> the table). */
function resourceName(resource: unknown): string {
  if (resource === '*') return '*';
  const found = JSON.stringify(resource).match(/"(?:Ref|Fn::GetAtt)":\s*\[?"([^"]+)"/);
  if (!found?.[1]) throw new Error(`unexpected policy resource ${JSON.stringify(resource)}`);
  return found[1];
}

/** The template's resource of a construct (by its logical id): its type and properties. */
export function resourceOf<P = Record<string, unknown>>(
  s: Pick<SynthesizedCompany, 'template'>,
  construct: IConstruct,
): { readonly Type: string; readonly Properties: P } {
  const id = logicalId(construct);
  const resource = (s.template.toJSON() as { Resources: Record<string, { Type: string; Properties: P }> }).Resources[
    id
  ];
  if (!resource) throw new Error(`the template has no resource ${id}`);
  return resource;
}

/**
 * Asserts that the resource of one construct has these properties (deeply, as
 * `hasResourceProperties` matches them): resources are found by logical id, not by a
 * physical name, since CloudFormation names them (infra/aws/physical-names.ts).
 */
export function hasProperties(
  s: Pick<SynthesizedCompany, 'template'>,
  construct: IConstruct,
  properties: Record<string, unknown>,
): void {
  const id = logicalId(construct);
  const { Type } = resourceOf(s, construct);
  const matching = s.template.findResources(Type, { Properties: Match.objectLike(properties) });
  if (!(id in matching)) {
    throw new Error(
      `${Type} ${id} does not have ${JSON.stringify(properties)}; it has ${JSON.stringify(resourceOf(s, construct).Properties)}`,
    );
  }
}
