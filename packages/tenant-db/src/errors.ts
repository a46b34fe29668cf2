import { GatewayError } from '@wagw/core';

/** A row the tenant table cannot hold as given (a value wider than its column, an invalid date). */
export class TenantRowInvalidError extends GatewayError {
  constructor(message: string) {
    super('TENANT_ROW_INVALID', message);
  }
}
