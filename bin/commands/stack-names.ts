/**
 * The names of a deployed company stack's resources, for the CLI's AWS mode (`--region`).
 * CloudFormation chooses the physical names of the queues, the table and the functions
 * (infra/aws/physical-names.ts), so the topology's names are the local runtime's only; the
 * stack writes the real ones into its outputs (infra/aws/stack-outputs.ts), read here.
 */
import { STACK_OUTPUTS, functionOutputKey, queueOutputKey, stackName } from '../../infra/aws/stack-outputs.ts';
import type { Topology } from '../../infra/topology.ts';

/** The parts of a topology whose names the CLI uses. */
export type NamedTopology = Pick<
  Topology,
  'companyId' | 'table' | 'queues' | 'deadLetterQueues' | 'functions' | 'schedules'
>;

/** A deployed stack's outputs do not name a resource this release's topology has. */
export class StackNamesError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StackNamesError';
  }
}

/**
 * The topology with the deployed stack's names in place of its own: the table's, every
 * queue's and DLQ's, every function's. A stack without the outputs at all was deployed by a
 * release before issue 16, whose names were the topology's: it is returned as it is
 * (`fromOutputs: false`).
 * @throws StackNamesError when the outputs name some resources but not all (a stack deployed
 * from another config or release: deploy it again)
 */
export function deployedNames<T extends NamedTopology>(
  topology: T,
  outputs: Readonly<Record<string, string>>,
): { readonly topology: T; readonly fromOutputs: boolean } {
  const stack = stackName(topology.companyId);
  if (!(STACK_OUTPUTS.tableName in outputs) || !Object.keys(outputs).some((key) => key.startsWith('Queue')))
    return { topology, fromOutputs: false };
  const missing: string[] = [];
  const named = (key: string, fallback: string): string => {
    const value = outputs[key];
    if (value === undefined) missing.push(key);
    return value ?? fallback;
  };
  const result = {
    ...topology,
    table: { ...topology.table, name: named(STACK_OUTPUTS.tableName, topology.table.name) },
    queues: topology.queues.map((q) => ({
      ...q,
      name: named(queueOutputKey(q.id), q.name),
      dlq: { ...q.dlq, name: named(queueOutputKey(q.dlq.id), q.dlq.name) },
    })),
    deadLetterQueues: topology.deadLetterQueues.map((q) => ({ ...q, name: named(queueOutputKey(q.id), q.name) })),
    functions: topology.functions.map((f) => ({ ...f, name: named(functionOutputKey(f.id), f.name) })),
  };
  if (missing.length > 0) {
    throw new StackNamesError(
      `stack ${stack} has no output ${missing.join(', ')}: it was deployed from another config or release; deploy it again (npx cdk deploy -c company=${topology.companyId})`,
    );
  }
  return { topology: result, fromOutputs: true };
}

/**
 * The topology with the names of the company's stack deployed in `region`, read with the
 * SDK's default credentials (your profile, environment or SSO session).
 */
export async function deployedTopology<T extends NamedTopology>(
  topology: T,
  region: string,
): Promise<{ readonly topology: T; readonly fromOutputs: boolean }> {
  const { createCloudFormationClient } = await import('../../shared/adapters/aws-clients.ts');
  const { readStackOutputs } = await import('../../shared/adapters/stack-outputs.ts');
  const client = createCloudFormationClient({ AWS_REGION: region });
  try {
    return deployedNames(topology, await readStackOutputs(client, stackName(topology.companyId)));
  } finally {
    client.destroy();
  }
}
