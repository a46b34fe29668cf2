import { Match } from 'aws-cdk-lib/assertions';
import { stageConfig } from '../../src/stage-config';
import { resourcesOfType, synthGateway } from '../support/synth';

const { template } = synthGateway();

describe('bucket', () => {
  it('blocks every kind of public access and encrypts at rest', () => {
    template.resourceCountIs('AWS::S3::Bucket', 1);
    template.hasResourceProperties('AWS::S3::Bucket', {
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
      OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
    });
  });

  it('denies requests without SSL and grants nothing to everyone', () => {
    // Prepare
    const [policy] = Object.values(resourcesOfType(template, 'AWS::S3::BucketPolicy'));
    const statements = (policy?.Properties.PolicyDocument as { Statement: { Effect: string; Principal: unknown; Condition?: unknown }[] }).Statement;

    // Assert
    expect(statements.filter((statement) => statement.Effect === 'Allow' && JSON.stringify(statement.Principal).includes('"*"'))).toEqual([]);
    expect(statements).toContainEqual(expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }));
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
