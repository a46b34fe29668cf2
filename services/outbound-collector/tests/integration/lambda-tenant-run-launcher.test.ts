import { createLambdaClient } from '@wagw/aws/clients';
import { TenantRunLaunchError } from '../../src/errors';
import { LambdaTenantRunLauncher } from '../../src/lambda-tenant-run-launcher';
import { closedPort } from '../support/closed-port';
import type { FakeLambdaEndpoint } from '../support/fake-lambda-endpoint';
import { startFakeLambdaEndpoint } from '../support/fake-lambda-endpoint';

describe('LambdaTenantRunLauncher (real SDK client, Lambda Invoke API over HTTP)', () => {
  let lambda: FakeLambdaEndpoint;

  beforeAll(async () => {
    lambda = await startFakeLambdaEndpoint(['wagw-outbound-collector']);
  });

  afterAll(async () => {
    await lambda.close();
  });

  it("invokes the collector asynchronously with the tenant's run request", async () => {
    const client = createLambdaClient({ endpoint: lambda.endpoint, maxAttempts: 1 });

    await new LambdaTenantRunLauncher(client, 'wagw-outbound-collector').launch('acme');

    expect(lambda.invokes).toEqual([{ functionName: 'wagw-outbound-collector', invocationType: 'Event', payload: { tenantId: 'acme' } }]);
    client.destroy();
  });

  it('fails with TENANT_RUN_LAUNCH_FAILED when the function does not exist', async () => {
    const client = createLambdaClient({ endpoint: lambda.endpoint, maxAttempts: 1 });

    const launch = new LambdaTenantRunLauncher(client, 'wagw-nothing').launch('acme');

    await expect(launch).rejects.toBeInstanceOf(TenantRunLaunchError);
    await expect(launch).rejects.toMatchObject({ code: 'TENANT_RUN_LAUNCH_FAILED', retryable: true, message: expect.stringContaining('ResourceNotFoundException') });
    client.destroy();
  });

  it('fails with TENANT_RUN_LAUNCH_FAILED when Lambda cannot be reached', async () => {
    const client = createLambdaClient({ endpoint: `http://127.0.0.1:${await closedPort()}`, maxAttempts: 1 });

    await expect(new LambdaTenantRunLauncher(client, 'wagw-outbound-collector').launch('acme')).rejects.toMatchObject({ code: 'TENANT_RUN_LAUNCH_FAILED' });
    client.destroy();
  });
});
