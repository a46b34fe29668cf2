import { Match } from 'aws-cdk-lib/assertions';
import { stageConfig } from '../../src/stage-config';
import { resourcesOfType, synthGateway } from '../support/synth';

const { stack, template } = synthGateway();

describe('bucket', () => {
  it('blocks every kind of public access and encrypts at rest, the access-log bucket too', () => {
    // Prepare
    const buckets = Object.values(resourcesOfType(template, 'AWS::S3::Bucket'));

    // Assert
    expect(buckets).toHaveLength(2);
    for (const bucket of buckets) {
      expect(bucket.Properties).toMatchObject({
        PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
        BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
        OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
      });
      expect(bucket.Properties.AccessControl).toBeUndefined();
    }
  });

  it('keeps a server access log of the gateway bucket in the access-log bucket, for the stage retention', () => {
    // Prepare
    const logBucketId = stack.getLogicalId(stack.bucket.accessLogs.node.defaultChild as never);
    const gatewayBucketId = stack.getLogicalId(stack.bucket.bucket.node.defaultChild as never);
    const buckets = resourcesOfType(template, 'AWS::S3::Bucket');

    // Assert
    expect(buckets[gatewayBucketId]?.Properties.LoggingConfiguration).toEqual({ DestinationBucketName: { Ref: logBucketId }, LogFilePrefix: 'gateway-bucket/' });
    expect(buckets[logBucketId]?.Properties.LifecycleConfiguration).toEqual({
      Rules: [{ Id: 'access-logs', ExpirationInDays: stageConfig('dev').accessLogRetentionDays, Status: 'Enabled' }],
    });
  });

  it('denies requests without SSL and grants nothing to everyone, on both buckets', () => {
    // Prepare
    const policies = Object.values(resourcesOfType(template, 'AWS::S3::BucketPolicy'));

    // Assert
    expect(policies).toHaveLength(2);
    for (const policy of policies) {
      const statements = (policy.Properties.PolicyDocument as { Statement: { Effect: string; Principal: unknown; Condition?: unknown }[] }).Statement;
      expect(statements.filter((statement) => statement.Effect === 'Allow' && JSON.stringify(statement.Principal).includes('"*"'))).toEqual([]);
      expect(statements).toContainEqual(expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }));
    }
  });

  it('expires raw webhook bodies, parked events and media after the stage retention', () => {
    const config = stageConfig('dev');
    template.hasResourceProperties('AWS::S3::Bucket', {
      LifecycleConfiguration: {
        Rules: Match.arrayWith([
          Match.objectLike({ Prefix: 'raw/', ExpirationInDays: config.rawRetentionDays, Status: 'Enabled' }),
          Match.objectLike({ Prefix: 'parked/', ExpirationInDays: config.parkedRetentionDays, Status: 'Enabled' }),
          Match.objectLike({ Prefix: 'media/', ExpirationInDays: config.mediaRetentionDays, Status: 'Enabled' }),
        ]),
      },
    });
  });
});
