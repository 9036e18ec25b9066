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

/** Every account-wide physical name a template gives a resource (`*Name` properties). */
function physicalNames(template: Template): string[] {
  const resources = template.toJSON().Resources as Resources;
  return Object.values(resources).flatMap((r) =>
    Object.entries(r.Properties ?? {})
      // Policy, stage and group names are scoped to their role, API and user pool, not to the account.
      .filter(
        ([key, value]) =>
          /Name$/.test(key) &&
          typeof value === 'string' &&
          !['MetricName', 'PolicyName', 'StageName', 'GroupName'].includes(key),
      )
      .map(([, value]) => value as string),
  );
}

describe('two companies side by side', () => {
  let configs: CompanyConfig[];
  let templates: Map<string, Template>;
  let tags: Map<string, Record<string, string>>;
  let outdir: string;

  beforeAll(async () => {
    configs = [await loadCompanyConfig('demo', PROJECT_ROOT), await loadCompanyConfig('manufacturer', PROJECT_ROOT)];
    outdir = mkdtempSync(path.join(os.tmpdir(), 'backchannel-cdk-multi-'));
    const { app, stacks } = buildAppForCompanies(configs, {
      outdir,
      context: {
        ...CDK_JSON_CONTEXT,
        'aws:cdk:bundling-stacks': [],
        '@aws-cdk/core:failSynthOnValidationErrors': false,
      },
    });
    app.synth();
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
      expect(names.length).toBeGreaterThan(20);
      for (const name of names)
        expect(name).toMatch(new RegExp(`(^|/)(bc-${id}-|backchannel/${id}/|Backchannel-${id})`));
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
      // and the insights rule for every primary routed mention.
      t.resourceCountIs('AWS::Events::Rule', 2 * config.departments.length + 1);
      t.hasResourceProperties('AWS::Events::Rule', {
        Name: `bc-${config.company.id}-insights`,
        EventPattern: {
          source: ['backchannel'],
          'detail-type': ['Mention Routed', 'Mentions Routed'],
          detail: { role: ['primary'] },
        },
      });
      for (const department of config.departments) {
        t.hasResourceProperties('AWS::Events::Rule', {
          Name: `bc-${config.company.id}-route-${department.id}`,
          EventPattern: {
            source: ['backchannel'],
            'detail-type': ['Mention Routed', 'Mentions Routed'],
            detail: { department: [department.id] },
          },
        });
        t.hasResourceProperties('AWS::Events::Rule', {
          Name: `bc-${config.company.id}-notify-${department.id}`,
          EventPattern: {
            source: ['backchannel'],
            'detail-type': Match.arrayWith(['Case Escalated', 'Case SLA Breached']),
            detail: { recipients: [department.id] },
          },
        });
        t.hasResourceProperties('AWS::SQS::Queue', { QueueName: `bc-${config.company.id}-dept-${department.id}` });
      }
    }
    template('manufacturer').hasResourceProperties('AWS::Events::Rule', { Name: 'bc-manufacturer-route-hr' });
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
