/**
 * The keys of the stack outputs that name resources, shared by the stack that writes them
 * (company-stack.ts) and the CLI that reads them (bin/commands/stack-names.ts): since
 * CloudFormation names the queues, the table and the functions (physical-names.ts), the
 * outputs are where their names are found. Free of aws-cdk-lib, so the CLI loads it cheaply.
 */

/** The stack of a company: `Backchannel-<company id>`. */
export const stackName = (companyId: string): string => `Backchannel-${companyId}`;

export const STACK_OUTPUTS = {
  tableName: 'TableName',
  eventBusName: 'EventBusName',
} as const;

/** `linkedin` -> `Linkedin`, `press-form` -> `PressForm`: an output id part (letters and digits only). */
export function pascalCase(id: string): string {
  return id
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join('');
}

/** `dept-press-events` -> `QueueDeptPressEvents`: the output with the physical name of a topology queue or DLQ. */
export const queueOutputKey = (queueId: string): string => `Queue${pascalCase(queueId)}`;

/** `check-sla` -> `FunctionCheckSla`: the output with the physical name of a topology function. */
export const functionOutputKey = (functionId: string): string => `Function${pascalCase(functionId)}`;
