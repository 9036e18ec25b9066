/**
 * Which resources of the AWS stack carry a fixed physical name (issue 16).
 *
 * The topology names every resource (`bc-<company>-<id>`): the local runtime creates its
 * queues, table and alarms by those names. The AWS stack does not need them: CloudFormation
 * generates a name for every resource that is given none, and the functions get the
 * generated ones as CDK tokens (queue URLs, table and bus names, bucket names). A generated
 * name lets CloudFormation replace a resource, and lets a deleted stack be deployed again
 * beside the resources it retained (the table, the buckets, the user pool).
 *
 * Fixed names stay only where something outside the stack must know the name before the
 * deploy:
 * - the platform secrets (`backchannel/<company>/<platform>`, or the config's `secretName`):
 *   company configs name them and admins fill them in by name;
 * - the Cognito login domain prefix (`<bc-company>-<account>`): the hosted login's URL,
 *   which a domain prefix is, has no generated form;
 * - names that are not physical names of the account: the Cognito groups (the access
 *   policy reads `<department>-lead`, ... from the token), the HTTP API's stage `$default`
 *   and its authorizer name (unique only within the API).
 *
 * `legacyNames` (`npx cdk deploy -c legacyNames=true`) gives every resource the name the
 * releases before issue 16 gave it, so that a stack deployed before keeps its table, queues
 * and functions instead of having CloudFormation replace them (docs/operations.md).
 */

/** The context key: `-c legacyNames=true`, or `"legacyNames": true` in cdk.json's context. */
export const LEGACY_NAMES_CONTEXT = 'legacyNames';

/** Whether a context value asks for the legacy names (`true`, `"true"`). */
export function legacyNamesRequested(context: unknown): boolean {
  return String(context).trim().toLowerCase() === 'true';
}

/**
 * The physical name to give a resource: the topology's name with legacy names, else none
 * (CloudFormation generates one).
 */
export function physicalName(topologyName: string, legacyNames: boolean): string | undefined {
  return legacyNames ? topologyName : undefined;
}
