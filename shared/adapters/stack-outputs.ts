import {
  type CloudFormationClient,
  DescribeStacksCommand,
  type DescribeStacksCommandOutput,
} from '@aws-sdk/client-cloudformation';

/** A deployed stack could not be read: missing, not visible with these credentials, or in another region. */
export class StackNotFoundError extends Error {
  constructor(
    readonly stackName: string,
    cause: unknown,
  ) {
    super(`stack ${stackName} could not be read: ${(cause as Error).message ?? String(cause)}`, { cause });
    this.name = 'StackNotFoundError';
  }
}

/**
 * The outputs of a deployed stack by key (`DescribeStacks`), e.g. `TableName`,
 * `QueueIntake`: where the CLI finds the names CloudFormation gave the resources.
 * @throws StackNotFoundError when CloudFormation does not know the stack
 */
export async function readStackOutputs(
  client: CloudFormationClient,
  stackName: string,
): Promise<Readonly<Record<string, string>>> {
  let stacks: DescribeStacksCommandOutput;
  try {
    stacks = await client.send(new DescribeStacksCommand({ StackName: stackName }));
  } catch (error) {
    // CloudFormation answers a stack it does not know with a ValidationError ("does not exist").
    if ((error as Error).name === 'ValidationError') throw new StackNotFoundError(stackName, error);
    throw error;
  }
  const stack = stacks.Stacks?.[0];
  if (!stack) throw new StackNotFoundError(stackName, new Error('DescribeStacks returned no stack'));
  return Object.fromEntries(
    (stack.Outputs ?? []).flatMap((o) =>
      o.OutputKey && o.OutputValue !== undefined ? [[o.OutputKey, o.OutputValue]] : [],
    ),
  );
}
