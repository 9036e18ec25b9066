import { Match, Template } from 'aws-cdk-lib/assertions';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ALL_COMPANIES,
  COMPANY_TAG,
  PROJECT_ROOT,
  buildAppForCompanies,
  requestedCompanies,
} from '../../infra/aws/build-app.ts';
import { LEGACY_NAMES_CONTEXT, legacyNamesRequested } from '../../infra/aws/physical-names.ts';
import type { Topology } from '../../infra/topology.ts';
import { loadCompanyConfig } from '../../shared/config/load.ts';
import type { CompanyConfig } from '../../shared/config/schema.ts';

/**
 * Two companies side by side in one app, as `-c company=all` builds it, synthesized once
 * without bundling (as test/infra/synth.ts does for one company).
 */
const CDK_JSON_CONTEXT = (
  JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'cdk.json'), 'utf8')) as { context: Record<string, unknown> }
).context;

type Resources = Record<
  string,
  { Type: string; Properties?: Record<string, unknown>; DeletionPolicy?: string; UpdateReplacePolicy?: string }
>;

/** A literal name a template gives a resource: its type, the property and the name. */
interface LiteralName {
  readonly type: string;
  readonly property: string;
  readonly name: string;
}

/**
 * Every literal physical name a template gives a resource (`*Name` properties that are
 * plain strings, not CloudFormation's or a token's). Policy, stage and group names are
 * scoped to their role, API and user pool, the display name is a sender's name.
 */
function literalNames(template: Template): LiteralName[] {
  const resources = template.toJSON().Resources as Resources;
  return Object.values(resources).flatMap((r) =>
    Object.entries(r.Properties ?? {})
      .filter(
        ([key, value]) =>
          /Name$/.test(key) &&
          typeof value === 'string' &&
          !['MetricName', 'PolicyName', 'StageName', 'GroupName', 'DisplayName'].includes(key),
      )
      .map(([property, value]) => ({ type: r.Type, property, name: value as string })),
  );
}

const physicalNames = (template: Template): string[] => literalNames(template).map((n) => n.name);

/** How many literal names each resource type carries. */
const literalNamesByType = (template: Template): Record<string, number> =>
  literalNames(template).reduce<Record<string, number>>((counts, n) => {
    counts[n.type] = (counts[n.type] ?? 0) + 1;
    return counts;
  }, {});

/** Every name the topology gives a resource of the stack, but its secrets' (those stay fixed). */
function topologyNames(topology: Topology): string[] {
  const auth = topology.http.adminAuth;
  return [
    topology.table.name,
    topology.bus.name,
    topology.alerts.topicName,
    topology.http.name,
    ...topology.queues.flatMap((q) => [q.name, q.dlq.name]),
    ...topology.deadLetterQueues.map((q) => q.name),
    ...topology.functions.map((f) => f.name),
    ...topology.bus.rules.map((r) => r.name),
    ...topology.schedules.map((s) => s.name),
    ...topology.alerts.alarms.map((a) => a.name),
    ...(auth.type === 'cognito' ? [auth.userPoolName] : []),
  ];
}

/** Synthesizes the companies' app in-process, without bundling, with extra context. */
function synthApp(configs: readonly CompanyConfig[], outdir: string, context: Record<string, unknown> = {}) {
  const { app, stacks } = buildAppForCompanies(configs, {
    outdir,
    context: {
      ...CDK_JSON_CONTEXT,
      'aws:cdk:bundling-stacks': [],
      '@aws-cdk/core:failSynthOnValidationErrors': false,
      ...context,
    },
  });
  app.synth();
  return stacks;
}

describe('two companies side by side', () => {
  let configs: CompanyConfig[];
  let templates: Map<string, Template>;
  let tags: Map<string, Record<string, string>>;
  let topologies: Map<string, Topology>;
  let outdir: string;

  beforeAll(async () => {
    configs = [await loadCompanyConfig('demo', PROJECT_ROOT), await loadCompanyConfig('manufacturer', PROJECT_ROOT)];
    outdir = mkdtempSync(path.join(os.tmpdir(), 'backchannel-cdk-multi-'));
    const stacks = synthApp(configs, outdir);
    topologies = new Map(stacks.map((stack) => [stack.topology.companyId, stack.topology]));
    templates = new Map(stacks.map((stack) => [stack.topology.companyId, Template.fromStack(stack)]));
    tags = new Map(stacks.map((stack) => [stack.topology.companyId, stack.tags.tagValues()]));
  });

  afterAll(() => rmSync(outdir, { recursive: true, force: true }));

  const template = (id: string): Template => templates.get(id) as Template;

  it('builds one stack per company, tagged with its company (CloudFormation tags every resource with it)', () => {
    expect([...templates.keys()]).toEqual(['demo', 'manufacturer']);
    expect(Object.fromEntries(tags)).toEqual({
      demo: { [COMPANY_TAG]: 'demo' },
      manufacturer: { [COMPANY_TAG]: 'manufacturer' },
    });
  });

  it('shares no physical name, and prefixes every name with its company', () => {
    const demo = physicalNames(template('demo'));
    const manufacturer = physicalNames(template('manufacturer'));

    expect(demo.filter((name) => manufacturer.includes(name))).toEqual([]);
    for (const [id, names] of [
      ['demo', demo],
      ['manufacturer', manufacturer],
    ] as const) {
      expect(names.length).toBeGreaterThan(3);
      // The bus's name is CDK's, from its construct path (`Backchannel<company>EventsBus<hash>`).
      for (const name of names)
        expect(name).toMatch(new RegExp(`(^|/)(bc-${id}-|backchannel/${id}/|Backchannel-?${id})`));
    }
  });

  it('has its own table, key, bus, queues and secrets, and references nothing outside itself', () => {
    for (const t of templates.values()) {
      const json = JSON.stringify(t.toJSON());
      t.resourceCountIs('AWS::DynamoDB::Table', 1);
      // The table's key and the alert topic's key.
      t.resourceCountIs('AWS::KMS::Key', 2);
      t.resourceCountIs('AWS::Events::EventBus', 1);
      expect(json).not.toContain('Fn::ImportValue');
      expect(
        Object.values((t.toJSON().Outputs ?? {}) as Record<string, { Export?: unknown }>).filter((o) => o.Export),
      ).toEqual([]);
    }
  });

  it("gives each company a bus rule per department of its own config, targeting that department's queue", () => {
    for (const config of configs) {
      const t = template(config.company.id);
      // One rule for routed mentions and one for case changes that name the department,
      // the insights rule for every primary routed mention, and the erasures rule.
      t.resourceCountIs('AWS::Events::Rule', 2 * config.departments.length + 2);
      t.hasResourceProperties('AWS::Events::Rule', {
        EventPattern: {
          source: ['backchannel'],
          'detail-type': ['Mention Routed', 'Mentions Routed'],
          detail: { role: ['primary'] },
        },
      });
      for (const department of config.departments) {
        t.hasResourceProperties('AWS::Events::Rule', {
          EventPattern: {
            source: ['backchannel'],
            'detail-type': ['Mention Routed', 'Mentions Routed'],
            detail: { department: [department.id] },
          },
        });
        t.hasResourceProperties('AWS::Events::Rule', {
          EventPattern: {
            source: ['backchannel'],
            'detail-type': Match.arrayWith(['Case Escalated', 'Case SLA Breached']),
            detail: { recipients: [department.id] },
          },
        });
      }
    }
    template('manufacturer').hasResourceProperties('AWS::Events::Rule', {
      EventPattern: Match.objectLike({ detail: { department: ['hr'] } }),
    });
  });

  it('retains the table, its key and the secrets when a stack is deleted', () => {
    for (const t of templates.values()) {
      for (const type of ['AWS::DynamoDB::Table', 'AWS::KMS::Key', 'AWS::SecretsManager::Secret']) {
        const resources = Object.values(t.findResources(type)) as Resources[string][];
        expect(resources.length).toBeGreaterThan(0);
        for (const resource of resources)
          expect([resource.DeletionPolicy, resource.UpdateReplacePolicy]).toEqual(['Retain', 'Retain']);
      }
      t.hasResourceProperties('AWS::DynamoDB::Table', { DeletionProtectionEnabled: true });
    }
  });

  it('gives a fixed name only to the platform secrets, which configs name; CDK names the bus, the stack the API (issue 16)', () => {
    for (const [id, t] of templates) {
      const topology = topologies.get(id) as Topology;

      expect(literalNamesByType(t)).toEqual({
        'AWS::SecretsManager::Secret': topology.secrets.length,
        // EventBridge needs a name: CDK's, unique by construct path, not the topology's.
        'AWS::Events::EventBus': 1,
        // An HTTP API and its authorizer need a name, which need not be unique (the stack's; one per API).
        'AWS::ApiGatewayV2::Api': 1,
        'AWS::ApiGatewayV2::Authorizer': 1,
      });
      expect(
        literalNames(t)
          .filter((n) => n.type === 'AWS::SecretsManager::Secret')
          .map((n) => n.name),
      ).toEqual(topology.secrets.map((s) => s.name));
      expect(physicalNames(t).filter((name) => topologyNames(topology).includes(name))).toEqual([]);
    }
  });

  it('retains the table, buckets and user pool under names CloudFormation chooses, so a deleted stack deploys again', () => {
    for (const t of templates.values()) {
      const retained = Object.values(t.toJSON().Resources as Resources).filter(
        (r) => r.DeletionPolicy === 'Retain' && r.Type !== 'AWS::SecretsManager::Secret',
      );

      expect(retained.map((r) => r.Type)).toEqual(
        expect.arrayContaining(['AWS::DynamoDB::Table', 'AWS::S3::Bucket', 'AWS::KMS::Key']),
      );
      for (const resource of retained) {
        expect([
          resource.Type,
          Object.keys(resource.Properties ?? {}).filter((key) => /^(Table|Bucket|UserPool|Alias)Name$/.test(key)),
        ]).toEqual([resource.Type, []]);
      }
      // No alias names the table's key either: an alias is an account-wide name too.
      t.resourceCountIs('AWS::KMS::Alias', 0);
    }
  });
});

describe('a stack deployed before issue 16 (-c legacyNames=true)', () => {
  let demo: CompanyConfig;
  let template: Template;
  let topology: Topology;
  let outdir: string;

  beforeAll(async () => {
    demo = await loadCompanyConfig('demo', PROJECT_ROOT);
    outdir = mkdtempSync(path.join(os.tmpdir(), 'backchannel-cdk-legacy-'));
    const [stack] = synthApp([demo], outdir, { [LEGACY_NAMES_CONTEXT]: 'true' });
    template = Template.fromStack(stack!);
    topology = stack!.topology;
  });

  afterAll(() => rmSync(outdir, { recursive: true, force: true }));

  it("keeps every name of the release before, so CloudFormation replaces nothing: the table's data stays where it is", () => {
    expect(physicalNames(template)).toEqual(expect.arrayContaining(topologyNames(topology)));
    template.hasResource('AWS::DynamoDB::Table', {
      Properties: Match.objectLike({ TableName: topology.table.name }),
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
    });
    template.hasResourceProperties('AWS::KMS::Alias', { AliasName: `alias/${topology.table.name}` });
    template.hasResourceProperties('AWS::Events::Archive', { ArchiveName: `${topology.bus.name}-archive` });
  });

  it('reads only "true" as the flag', () => {
    expect([true, 'true', ' TRUE ', 'false', undefined, '1'].map(legacyNamesRequested)).toEqual([
      true,
      true,
      true,
      false,
      false,
      false,
    ]);
  });
});

describe('requestedCompanies', () => {
  it.each([
    [undefined, ALL_COMPANIES],
    ['all', ALL_COMPANIES],
    ['acme', ['acme']],
    ['acme, retailer', ['acme', 'retailer']],
    ['/tmp/x.yaml', ['/tmp/x.yaml']],
  ])('reads -c company=%s', (context, expected) => {
    expect(requestedCompanies(context)).toEqual(expected);
  });

  it('refuses two configs with the same company id', () => {
    const config = { company: { id: 'demo' } } as CompanyConfig;

    expect(() => buildAppForCompanies([config, config])).toThrow('company id "demo" is used by two configs');
  });
});
