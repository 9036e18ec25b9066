import { Stack, Validations, type CfnElement } from 'aws-cdk-lib';
import type * as iam from 'aws-cdk-lib/aws-iam';
import type { IConstruct } from 'constructs';

/**
 * Acknowledges one cdk-nag finding on a construct and everything below it.
 * cdk-nag 3 needs the full finding id (`AwsSolutions-IAM5[Resource::...]`) and every
 * acknowledgement carries its reason, which lands in the validation report.
 */
export function acknowledgeFinding(scope: IConstruct, id: string, reason: string): void {
  Validations.of(scope).acknowledge({ id, reason });
}

/**
 * The policy that a role's grants add to (`<role>/DefaultPolicy`): IAM findings about granted
 * statements are acknowledged there, not on the whole role.
 * @throws Error when nothing has been granted to the role yet
 */
export function defaultPolicyOf(role: iam.Role): IConstruct {
  return role.node.findChild('DefaultPolicy');
}

/**
 * How cdk-nag spells a reference to an attribute of a resource in a finding id
 * (`<LogicalId.Arn>`), so a finding about a specific resource can be acknowledged.
 */
export function nagRef(element: IConstruct, attribute = 'Arn'): string {
  const cfn = (element.node.defaultChild ?? element) as CfnElement;
  const logicalId: unknown = Stack.of(cfn).resolve(cfn.logicalId);
  return `<${String(logicalId)}.${attribute}>`;
}
