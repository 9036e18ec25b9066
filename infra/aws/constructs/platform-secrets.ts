import { RemovalPolicy } from 'aws-cdk-lib';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import type { SecretSpec } from '../../topology.ts';
import { TopologyMismatchError } from '../topology-mismatch-error.ts';
import { acknowledgeFinding } from '../nag.ts';

export interface PlatformSecretsProps {
  readonly secrets: readonly SecretSpec[];
}

/**
 * One Secrets Manager secret per platform. The stack generates the webhook verify token;
 * the admin adds the platform's app secret after the first deploy
 * (`{"appSecret": "...", "verifyToken": "..."}`). Until then the secret has no
 * `appSecret`, so no signature can verify.
 */
export class PlatformSecrets extends Construct {
  private readonly byId = new Map<string, { readonly spec: SecretSpec; readonly secret: secretsmanager.Secret }>();

  constructor(scope: Construct, id: string, props: PlatformSecretsProps) {
    super(scope, id);
    for (const spec of props.secrets) {
      const secret = new secretsmanager.Secret(this, spec.id, {
        secretName: spec.name,
        description: spec.description,
        generateSecretString: {
          secretStringTemplate: JSON.stringify({}),
          generateStringKey: 'verifyToken',
          excludePunctuation: true,
          passwordLength: 40,
        },
        removalPolicy: RemovalPolicy.RETAIN,
      });
      acknowledgeFinding(
        secret,
        'AwsSolutions-SMG4',
        `The ${spec.platform} app secret is issued by the platform and can only be rotated in the platform's developer console; the admin rotates it there and updates this secret.`,
      );
      this.byId.set(spec.id, { spec, secret });
    }
  }

  /**
   * The secret with this topology id.
   * @throws TopologyMismatchError when the topology references a secret it does not describe
   */
  get(secretId: string, referencedBy: string): { readonly spec: SecretSpec; readonly secret: secretsmanager.Secret } {
    const found = this.byId.get(secretId);
    if (!found) throw new TopologyMismatchError(`${referencedBy} references unknown secret "${secretId}"`);
    return found;
  }
}
