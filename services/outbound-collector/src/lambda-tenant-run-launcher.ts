import type { LambdaClient } from '@aws-sdk/client-lambda';
import { InvokeCommand } from '@aws-sdk/client-lambda';
import { errorName } from '@wagw/core/errors';
import type { TenantRunLauncher } from './collector-dependencies';
import { TenantRunLaunchError } from './errors';

/** Lambda answers an accepted asynchronous invoke with 202. */
const ACCEPTED = 202;

/** Starts a tenant's run as an asynchronous invoke (InvocationType 'Event') of the collector itself. */
export class LambdaTenantRunLauncher implements TenantRunLauncher {
  constructor(
    private readonly client: LambdaClient,
    private readonly functionName: string,
  ) {}

  async launch(tenantId: string): Promise<void> {
    let statusCode: number | undefined;
    try {
      const output = await this.client.send(
        new InvokeCommand({
          FunctionName: this.functionName,
          InvocationType: 'Event',
          Payload: new TextEncoder().encode(JSON.stringify({ tenantId })),
        }),
      );
      statusCode = output.StatusCode;
    } catch (error) {
      throw new TenantRunLaunchError(tenantId, `${this.functionName}: ${errorName(error)}`, error);
    }
    if (statusCode !== ACCEPTED) throw new TenantRunLaunchError(tenantId, `${this.functionName} answered ${String(statusCode)}`);
  }
}
