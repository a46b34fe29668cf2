import { createLambdaClient, createS3Client, createSqsClient } from '../../src/clients';

describe('AWS clients', () => {
  it('use us-east-1 unless told otherwise', async () => {
    // Act
    const byDefault = createSqsClient();
    const other = createSqsClient({ region: 'eu-west-1' });

    // Assert
    expect(await byDefault.config.region()).toBe('us-east-1');
    expect(await other.config.region()).toBe('eu-west-1');
    byDefault.destroy();
    other.destroy();
  });

  it('address S3 by path when an endpoint is given, by virtual host otherwise', () => {
    // Act
    const local = createS3Client({ endpoint: 'http://127.0.0.1:4566' });
    const aws = createS3Client();

    // Assert
    expect(local.config.forcePathStyle).toBe(true);
    expect(aws.config.forcePathStyle).toBe(false);
    local.destroy();
    aws.destroy();
  });

  it('sign with placeholder credentials for a loopback endpoint only', async () => {
    // Act
    const local = createLambdaClient({ endpoint: 'http://127.0.0.1:3001' });
    const explicit = createSqsClient({ endpoint: 'https://sqs.example.test', credentials: { accessKeyId: 'AKIA', secretAccessKey: 's' } });

    // Assert
    await expect(local.config.credentials()).resolves.toMatchObject({ accessKeyId: 'local' });
    await expect(explicit.config.credentials()).resolves.toMatchObject({ accessKeyId: 'AKIA' });
    expect(await local.config.endpoint?.()).toMatchObject({ hostname: '127.0.0.1', port: 3001 });
    local.destroy();
    explicit.destroy();
  });
});
