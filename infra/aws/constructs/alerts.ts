import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import type { AlertsSpec, FunctionSpec } from '../../topology.ts';
import { physicalName } from '../physical-names.ts';
import { TopologyMismatchError } from '../topology-mismatch-error.ts';
import type { Functions } from './functions.ts';

export interface AlertsProps {
  readonly alerts: AlertsSpec;
  readonly functions: readonly FunctionSpec[];
  readonly handlers: Functions;
  /** Give the topic the topology's name (physical-names.ts); else CloudFormation names it. */
  readonly legacyNames: boolean;
}

/**
 * The company's one alert topic: every alarm notifies it, and it reaches people through
 * the config's subscribers (e-mail addresses, and the forward-alarm function for Slack and
 * Teams). Encrypted with its own rotating key, which CloudWatch may use to publish.
 */
export class Alerts extends Construct {
  readonly topic: sns.Topic;
  readonly key: kms.Key;

  constructor(scope: Construct, id: string, props: AlertsProps) {
    super(scope, id);
    const spec = props.alerts;

    this.key = new kms.Key(this, 'Key', {
      description: `Encrypts ${spec.topicName}`,
      enableKeyRotation: true,
    });
    // CloudWatch alarms publish to an encrypted topic only when the key lets them
    // (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/AlarmThatSendsEmail.html).
    this.key.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } },
      }),
    );

    this.topic = new sns.Topic(this, 'Topic', {
      topicName: physicalName(spec.topicName, props.legacyNames),
      // The sender name of the e-mails (a display name, not a physical name).
      displayName: spec.topicName,
      masterKey: this.key,
      enforceSSL: true,
    });

    for (const address of spec.email) this.topic.addSubscription(new subscriptions.EmailSubscription(address));

    const subscribed = props.functions.filter((f) => f.triggers.some((t) => t.type === 'alerts'));
    if (subscribed.map((f) => f.id).join() !== (spec.forwarder ?? '')) {
      throw new TopologyMismatchError(
        `the alert topic's forwarder is "${spec.forwarder ?? ''}" but functions [${subscribed.map((f) => f.id).join(', ')}] have an alerts trigger`,
      );
    }
    for (const fn of subscribed) {
      this.topic.addSubscription(
        new subscriptions.LambdaSubscription(props.handlers.get(fn.id, 'the alert topic').function),
      );
    }
  }
}
