import { GatewayError } from '@wagw/core/errors';

/** A Meta number is owned under another app than the one whose secret signed the webhook. */
export class ChannelAppMismatchError extends GatewayError {
  constructor(phoneNumberId: string) {
    super('CHANNEL_APP_MISMATCH', `phone_number_id ${phoneNumberId} belongs to another Meta app than the one that signed this webhook`);
  }
}

/** A Whapi body whose channel_id is not the channel of the webhook path. */
export class ChannelMismatchError extends GatewayError {
  constructor() {
    super('CHANNEL_MISMATCH', 'channel_id in the body does not match the channel in the webhook path');
  }
}

export class VerificationFailedError extends GatewayError {
  constructor() {
    super('VERIFICATION_FAILED', 'hub.mode must be "subscribe" and hub.verify_token must match a configured verify token');
  }
}

export class BodyTooLargeError extends GatewayError {
  constructor(limit: number) {
    super('BODY_TOO_LARGE', `body exceeds ${limit} bytes`);
  }
}

/** Archiving or queueing did not complete: the provider must deliver the webhook again. */
export class WebhookNotStoredError extends GatewayError {
  constructor(what: string, cause: unknown) {
    super('WEBHOOK_NOT_STORED', `${what} failed`, { retryable: true, cause });
  }
}

/** The broker answered with a record the receiver cannot use. */
export class ChannelRecordInvalidError extends GatewayError {
  constructor(problem: string) {
    super('CHANNEL_RECORD_INVALID', problem);
  }
}
