import { GatewayError } from '@wagw/core/errors';

/**
 * A media result for a row that is not (yet) in the tenant database. Retryable: the result must
 * never be applied before its row, and a redelivery finds the row once it is written.
 */
export class MediaTargetMissingError extends GatewayError {
  constructor(tenantId: string, providerMessageId: string) {
    super('MEDIA_TARGET_MISSING', `tenant ${tenantId} has no inbound message ${providerMessageId} to apply a media result to`, {
      retryable: true,
    });
  }
}
