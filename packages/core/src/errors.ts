/**
 * Every error the gateway raises on purpose carries a stable `code` and says whether trying again
 * can help. Branch on `instanceof GatewayError` and `code`, never on `error.name`.
 */
export class GatewayError extends Error {
  readonly code: string;
  readonly retryable: boolean;

  constructor(code: string, message: string, options: { retryable?: boolean; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.retryable = options.retryable ?? false;
  }
}

export const isGatewayError = (error: unknown): error is GatewayError => error instanceof GatewayError;

/** Text of any thrown value for a log field or a report: `CODE: message` for the gateway's own errors. */
export const describeError = (error: unknown): string =>
  isGatewayError(error) ? `${error.code}: ${error.message}` : error instanceof Error ? error.message : String(error);

/** Only the class name: for messages that must not carry a driver's text (it may quote a secret). */
export const errorName = (error: unknown): string => (error instanceof Error ? error.name : 'unknown error');

/** Something unexpected (a bug, a driver error): retried, then dead-lettered. */
export const isRetryable = (error: unknown): boolean => !isGatewayError(error) || error.retryable;

export class ConfigError extends GatewayError {
  constructor(message: string) {
    super('CONFIG_INVALID', message);
  }
}

export class ChannelNotFoundError extends GatewayError {
  constructor(provider: string, channelId: string) {
    super('CHANNEL_NOT_FOUND', `no tenant owns ${provider} channel ${channelId}`);
  }
}

export class TenantNotFoundError extends GatewayError {
  constructor(tenantId: string) {
    super('TENANT_NOT_FOUND', `no tenant ${tenantId}`);
  }
}

export class SecretRecordInvalidError extends GatewayError {
  constructor(recordName: string, problem: string) {
    super('SECRET_RECORD_INVALID', `secret record ${recordName} is invalid: ${problem}`);
  }
}

/** The broker or its store could not answer now (throttled, network); callers retry. */
export class CredentialsUnavailableError extends GatewayError {
  constructor(message: string, cause?: unknown) {
    super('CREDENTIALS_UNAVAILABLE', message, { retryable: true, cause });
  }
}

export class TenantDatabaseUnavailableError extends GatewayError {
  constructor(tenantId: string, cause?: unknown) {
    super('TENANT_DB_UNAVAILABLE', `tenant ${tenantId} database is unavailable`, { retryable: true, cause });
  }
}

export class InvalidSignatureError extends GatewayError {
  constructor(message = 'signature missing or invalid') {
    super('SIGNATURE_INVALID', message);
  }
}

export class MalformedWebhookError extends GatewayError {
  constructor(message: string) {
    super('WEBHOOK_MALFORMED', message);
  }
}

export class MalformedEventError extends GatewayError {
  constructor(message: string) {
    super('EVENT_MALFORMED', message);
  }
}

/** A media download that cannot succeed (too big, forbidden host, 4xx); recorded on the row. */
export class MediaFetchError extends GatewayError {
  constructor(code: string, message: string, options: { retryable: boolean; cause?: unknown }) {
    super(code, message, options);
  }
}
