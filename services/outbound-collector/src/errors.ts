import { GatewayError, isGatewayError } from '@wagw/core/errors';

/** The async invoke that starts a tenant's collect run was not accepted. */
export class TenantRunLaunchError extends GatewayError {
  constructor(tenantId: string, detail: string, cause?: unknown) {
    super('TENANT_RUN_LAUNCH_FAILED', `the collect run of tenant ${tenantId} could not be started (${detail})`, { retryable: true, cause });
  }
}

/** Log fields of any thrown value: its code and retryable flag, and the error for pino's serializer (redacted). */
export const failureFields = (error: unknown): Record<string, unknown> =>
  isGatewayError(error) ? { code: error.code, retryable: error.retryable, err: error } : { code: 'UNEXPECTED', retryable: true, err: error };
