import { RemovalPolicy } from 'aws-cdk-lib';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { platformRegistry } from '../../../shared/platforms/registry.ts';
import type { SecretSpec } from '../../topology.ts';
import { TopologyMismatchError } from '../topology-mismatch-error.ts';
import { acknowledgeFinding } from '../nag.ts';

export interface PlatformSecretsProps {
  readonly secrets: readonly SecretSpec[];
}

/**
 * One Secrets Manager secret per platform. The stack generates the key Backchannel chooses
 * itself (the adapter's `generatedSecretKey`: Meta's `verifyToken`, YouTube's `hubSecret`,
 * the generic `signingSecret`); the admin adds the keys the platform issues (Meta's
 * `appSecret`, X's `consumerSecret`, ...) after the first deploy. Until then the secret is
 * incomplete and the platform's webhook answers 503: nothing is accepted unsigned.
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
          // Platforms that issue every key keep the historical `verifyToken`, which they never
          // read: changing the key would regenerate, and so wipe, secrets admins filled in.
          generateStringKey: platformRegistry.get(spec.platform)?.generatedSecretKey ?? 'verifyToken',
          excludePunctuation: true,
          passwordLength: 40,
        },
        removalPolicy: RemovalPolicy.RETAIN,
      });
      const generated = platformRegistry.get(spec.platform)?.generatedSecretKey;
      acknowledgeFinding(
        secret,
        'AwsSolutions-SMG4',
        spec.platform === 'youtube' || spec.platform === 'generic'
          ? `The ${spec.platform} signing key (${generated}) is shared with the senders (the WebSub hub's subscription, each generic source), which cannot follow an automatic rotation; the admin rotates it with them (a new subscription, new source keys) and updates this secret.`
          : `The ${spec.platform} app secret is issued by the platform and can only be rotated in the platform's developer console; the admin rotates it there and updates this secret.`,
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
