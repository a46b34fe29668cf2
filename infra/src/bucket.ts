import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { S3_SERVER_ACCESS_LOGS_USE_BUCKET_POLICY } from 'aws-cdk-lib/cx-api';
import { Construct } from 'constructs';

/** Key prefixes the services write under (lifecycle rules are per prefix). */
export const RAW_PREFIX = 'raw/';
export const MEDIA_PREFIX = 'media/';
/** Webhook events the receiver could not route yet (unknown channel, bad signature); replayed by `gateway parked`. */
export const PARKED_PREFIX = 'parked/';
/** Files a tenant uploads to send (`outbound/{tenantId}/…`, named by a row's `s3_key`); kept until deleted. */
export const OUTBOUND_PREFIX = 'outbound/';

export interface GatewayBucketProps {
  /** Days a raw webhook body under `raw/` is kept. */
  rawRetentionDays: number;
  /** Days a media file under `media/` is kept (presigned URLs handed out must expire before). */
  mediaRetentionDays: number;
  /** Days a parked event under `parked/` is kept for replay. */
  parkedRetentionDays: number;
  /** Days the server access log of the gateway bucket is kept (in its own bucket). */
  accessLogRetentionDays: number;
}

const PRIVATE = {
  blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
  encryption: BucketEncryption.S3_MANAGED,
  enforceSSL: true,
  objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
  removalPolicy: RemovalPolicy.RETAIN,
} as const;

/**
 * The gateway's one bucket: private (block public access, bucket-owner objects, no ACLs), encrypted
 * (S3-managed keys), SSL-only, versioning off; reached only by the functions' roles and presigned URLs.
 * Its server access log goes to a second bucket of the same kind (S3-managed keys: log delivery cannot
 * write to KMS-encrypted targets).
 */
export class GatewayBucket extends Construct {
  readonly bucket: Bucket;
  readonly accessLogs: Bucket;

  constructor(scope: Construct, id: string, props: GatewayBucketProps) {
    super(scope, id);
    // Log delivery is granted by bucket policy, so the log bucket keeps ACLs disabled like the other.
    this.node.setContext(S3_SERVER_ACCESS_LOGS_USE_BUCKET_POLICY, true);
    this.accessLogs = new Bucket(this, 'AccessLogs', {
      ...PRIVATE,
      lifecycleRules: [{ id: 'access-logs', expiration: Duration.days(props.accessLogRetentionDays) }],
    });
    this.bucket = new Bucket(this, 'Bucket', {
      ...PRIVATE,
      serverAccessLogsBucket: this.accessLogs,
      serverAccessLogsPrefix: 'gateway-bucket/',
      lifecycleRules: [
        { id: 'raw-archive', prefix: RAW_PREFIX, expiration: Duration.days(props.rawRetentionDays), abortIncompleteMultipartUploadAfter: Duration.days(1) },
        { id: 'parked-events', prefix: PARKED_PREFIX, expiration: Duration.days(props.parkedRetentionDays), abortIncompleteMultipartUploadAfter: Duration.days(1) },
        { id: 'media', prefix: MEDIA_PREFIX, expiration: Duration.days(props.mediaRetentionDays), abortIncompleteMultipartUploadAfter: Duration.days(1) },
        // Tenants' files stay until deleted; only their broken uploads are cleared.
        { id: 'outbound-uploads', prefix: OUTBOUND_PREFIX, abortIncompleteMultipartUploadAfter: Duration.days(1) },
      ],
    });
  }
}
