import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';

/** Key prefixes the services write under (lifecycle rules are per prefix). */
export const RAW_PREFIX = 'raw/';
export const MEDIA_PREFIX = 'media/';
/** Webhook events the receiver could not route yet (unknown channel, bad signature); replayed by `gateway parked`. */
export const PARKED_PREFIX = 'parked/';

export interface GatewayBucketProps {
  /** Days a raw webhook body under `raw/` is kept. */
  rawRetentionDays: number;
  /** Days a media file under `media/` is kept (presigned URLs handed out must expire before). */
  mediaRetentionDays: number;
  /** Days a parked event under `parked/` is kept for replay. */
  parkedRetentionDays: number;
}

/**
 * The gateway's one bucket: private (block public access, bucket-owner objects, no ACLs), encrypted
 * (S3-managed keys), SSL-only, versioning off; reached only by the functions' roles and presigned URLs.
 */
export class GatewayBucket extends Construct {
  readonly bucket: Bucket;

  constructor(scope: Construct, id: string, props: GatewayBucketProps) {
    super(scope, id);
    this.bucket = new Bucket(this, 'Bucket', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      removalPolicy: RemovalPolicy.RETAIN,
      lifecycleRules: [
        { id: 'raw-archive', prefix: RAW_PREFIX, expiration: Duration.days(props.rawRetentionDays), abortIncompleteMultipartUploadAfter: Duration.days(1) },
        { id: 'parked-events', prefix: PARKED_PREFIX, expiration: Duration.days(props.parkedRetentionDays), abortIncompleteMultipartUploadAfter: Duration.days(1) },
        { id: 'media', prefix: MEDIA_PREFIX, expiration: Duration.days(props.mediaRetentionDays), abortIncompleteMultipartUploadAfter: Duration.days(1) },
      ],
    });
  }
}
