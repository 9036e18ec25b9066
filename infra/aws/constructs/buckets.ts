import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import type { BucketSpec } from '../../topology.ts';
import { TopologyMismatchError } from '../topology-mismatch-error.ts';
import { acknowledgeFinding } from '../nag.ts';

export interface BucketsProps {
  readonly buckets: readonly BucketSpec[];
}

/**
 * The topology's S3 buckets: encrypted (SSE-S3), versioned (every model version's objects
 * and the promotion pointer keep their history), public access blocked, SSL only, kept
 * when the stack is deleted. CloudFormation names them: S3 names are global.
 */
export class Buckets extends Construct {
  private readonly byId = new Map<string, { readonly spec: BucketSpec; readonly bucket: s3.Bucket }>();

  constructor(scope: Construct, id: string, props: BucketsProps) {
    super(scope, id);
    for (const spec of props.buckets) {
      const bucket = new s3.Bucket(this, spec.id, {
        encryption: s3.BucketEncryption.S3_MANAGED,
        versioned: true,
        blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
        enforceSSL: true,
        objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
        removalPolicy: RemovalPolicy.RETAIN,
        // Old versions of replaced objects (promotion pointer, records) are history, not data to keep forever.
        lifecycleRules: [
          {
            id: 'expire-old-versions',
            noncurrentVersionExpiration: Duration.days(365),
            noncurrentVersionsToRetain: 10,
          },
        ],
      });
      acknowledgeFinding(
        bucket,
        'AwsSolutions-S1',
        `${spec.name} holds ${spec.holds}, written only by this stack's functions; who read or wrote them is in CloudTrail (enable S3 data events there if wanted), and a second bucket for access logs would hold more than this one.`,
      );
      this.byId.set(spec.id, { spec, bucket });
    }
  }

  /**
   * The bucket with this topology id.
   * @throws TopologyMismatchError when the topology references a bucket it does not describe
   */
  get(bucketId: string, referencedBy: string): { readonly spec: BucketSpec; readonly bucket: s3.Bucket } {
    const found = this.byId.get(bucketId);
    if (!found) throw new TopologyMismatchError(`${referencedBy} references unknown bucket "${bucketId}"`);
    return found;
  }
}
