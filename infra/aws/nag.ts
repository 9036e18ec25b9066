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
 * Acknowledges a finding that the validation reports on a stack itself (a finding about an
 * output or a condition, which has no resource: its construct path is the stack's, so no
 * narrower scope can carry the acknowledgement) without writing it into every resource.
 * cdk-nag's writer (`writeSuppressionsToCloudFormation`, an aspect) copies each resource's
 * acknowledgements and those of its ancestors into the resource's template Metadata, so one
 * on the stack was copied into all of them (W1001: 53 KB of the demo's template). This records
 * the acknowledgement when the construct tree is validated, after the aspects ran and before
 * the templates are validated, and writes it once into the template's own Metadata, in
 * cdk-nag's format (`cdk_nag.rules_to_suppress`).
 */
export function acknowledgeStackFinding(stack: Stack, id: string, reason: string): void {
  stack.node.addValidation({
    validate: () => {
      acknowledgeFinding(stack, id, reason);
      return [];
    },
  });
  const metadata = stack.templateOptions.metadata ?? {};
  const nag = (metadata.cdk_nag ?? { rules_to_suppress: [] }) as { rules_to_suppress: unknown[] };
  // As the report and cdk-nag spell it: the plugin's name with dashes (`CloudFormation-Validate::W1001`).
  nag.rules_to_suppress.push({ id: id.replace(/^[^:]+/, (plugin) => plugin.replaceAll(' ', '-')), reason });
  stack.templateOptions.metadata = { ...metadata, cdk_nag: nag };
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
