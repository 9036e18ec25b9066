import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { GetQueueAttributesCommand, GetQueueUrlCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { dlqCommand } from '../../../bin/commands/dlq.ts';
import { deadLetterTargets } from '../../../bin/commands/dead-letters.ts';
import { StackNamesError, deployedNames, deployedTopology } from '../../../bin/commands/stack-names.ts';
import { STACK_OUTPUTS, functionOutputKey, queueOutputKey } from '../../../infra/aws/stack-outputs.ts';
import { allDeadLetterQueues, buildTopology, type Topology } from '../../../infra/topology.ts';
import { loadCompanyConfig } from '../../../shared/config/load.ts';
import { StackNotFoundError } from '../../../shared/adapters/stack-outputs.ts';
import { demoConfig } from '../../factories/config.ts';

const topology = buildTopology(demoConfig());
const cloudFormation = mockClient(CloudFormationClient);
const sqs = mockClient(SQSClient);

/** A name as CloudFormation makes them up: the stack, the logical id, a random suffix. */
const generated = (id: string) => `Backchannel-demo-${id.replace(/-/g, '')}-1A2B3C4D5E6F`;

/** The outputs the stack of this release writes (infra/aws/company-stack.ts), with generated names. */
const outputs = (of: Topology = topology): Record<string, string> => ({
  [STACK_OUTPUTS.tableName]: 'Backchannel-demo-DataTable1234-XYZ',
  WebhookBaseUrl: 'https://x3kq7v2mzjf5hp4a6wubn5rw4e0ryahc.lambda-url.eu-central-1.on.aws/webhooks',
  ...Object.fromEntries(allDeadLetterQueues(of).map((q) => [queueOutputKey(q.id), generated(q.id)])),
  ...Object.fromEntries(of.queues.map((q) => [queueOutputKey(q.id), generated(q.id)])),
  ...Object.fromEntries(of.functions.map((f) => [functionOutputKey(f.id), generated(f.id)])),
});

const describeStacksAnswers = (o: Record<string, string>) => ({
  Stacks: [
    {
      StackName: 'Backchannel-demo',
      CreationTime: new Date(),
      StackStatus: 'UPDATE_COMPLETE' as const,
      Outputs: Object.entries(o).map(([OutputKey, OutputValue]) => ({ OutputKey, OutputValue })),
    },
  ],
});

beforeEach(() => {
  cloudFormation.reset();
  sqs.reset();
});

describe('deployedTopology', () => {
  it("reads the names CloudFormation gave the table, queues, DLQs and functions from the company stack's outputs", async () => {
    // Arrange
    cloudFormation
      .on(DescribeStacksCommand, { StackName: 'Backchannel-demo' })
      .resolves(describeStacksAnswers(outputs()));

    // Act
    const { topology: deployed, fromOutputs } = await deployedTopology(topology, 'eu-central-1');

    // Assess
    expect(fromOutputs).toBe(true);
    expect(deployed.table.name).toBe('Backchannel-demo-DataTable1234-XYZ');
    expect(deployed.queues.find((q) => q.id === 'dept-press')?.name).toBe(generated('dept-press'));
    expect(deployed.queues.find((q) => q.id === 'dept-press')?.dlq.name).toBe(generated('dept-press-dlq'));
    expect(deployed.functions.find((f) => f.id === 'check-sla')?.name).toBe(generated('check-sla'));
    // What dlq and redrive work with: every DLQ by the deployed name, the function to run again too.
    const targets = deadLetterTargets(deployed);
    expect(targets.map((t) => t.name)).toEqual(allDeadLetterQueues(topology).map((q) => generated(q.id)));
    expect(targets.find((t) => t.id === 'check-sla-failures')?.rerunFunction).toBe(generated('check-sla'));
    expect(cloudFormation.commandCalls(DescribeStacksCommand)).toHaveLength(1);
  });

  it('says which stack it could not read when CloudFormation does not know it', async () => {
    // Arrange
    cloudFormation
      .on(DescribeStacksCommand)
      .rejects(Object.assign(new Error('Stack with id Backchannel-demo does not exist'), { name: 'ValidationError' }));

    // Act
    const lookup = deployedTopology(topology, 'eu-central-1');

    // Assess
    await expect(lookup).rejects.toThrow(StackNotFoundError);
    await expect(lookup).rejects.toThrow(
      'stack Backchannel-demo could not be read: Stack with id Backchannel-demo does not exist',
    );
  });
});

describe('deployedNames', () => {
  it("keeps the topology's names for a stack deployed before issue 16, whose names they were (no name outputs)", () => {
    // Act
    const result = deployedNames(topology, { TableName: topology.table.name, WebhookBaseUrl: 'https://x/webhooks' });

    // Assess
    expect(result.fromOutputs).toBe(false);
    expect(result.topology).toBe(topology);
  });

  it('refuses outputs that name only some queues: the stack is of another config or release', () => {
    // Arrange
    const partial = outputs();
    delete partial[queueOutputKey('dept-legal')];

    // Act
    const read = () => deployedNames(topology, partial);

    // Assess
    expect(read).toThrow(StackNamesError);
    expect(read).toThrow(/has no output QueueDeptLegal: .*npx cdk deploy -c company=demo/);
  });
});

describe('backchannel dlq --region', () => {
  let written: string[];

  beforeEach(() => {
    written = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      written.push(String(chunk));
      return true;
    });
  });

  afterEach(() => vi.restoreAllMocks());

  it('asks SQS for the deployed DLQs by the names in the stack outputs, not by the topology names', async () => {
    // Arrange: the demo company as `--company demo` loads it
    const demo = buildTopology(await loadCompanyConfig('demo'));
    cloudFormation.on(DescribeStacksCommand).resolves(describeStacksAnswers(outputs(demo)));
    sqs.on(GetQueueUrlCommand).callsFake((input: { QueueName: string }) => ({
      QueueUrl: `https://sqs.eu-central-1.amazonaws.com/123456789012/${input.QueueName}`,
    }));
    sqs.on(GetQueueAttributesCommand).resolves({ Attributes: { ApproximateNumberOfMessages: '0' } });

    // Act
    const code = await dlqCommand.run(['--region', 'eu-central-1', '--company', 'demo', '--json']);

    // Assess
    expect(code).toBe(0);
    const asked = sqs.commandCalls(GetQueueUrlCommand).map((c) => c.args[0].input.QueueName);
    expect(asked).toEqual(allDeadLetterQueues(demo).map((q) => generated(q.id)));
    const listed = JSON.parse(written.join('')) as { id: string; name: string }[];
    expect(listed.find((e) => e.id === 'intake-dlq')?.name).toBe(generated('intake-dlq'));
  });
});
