import type { BrokerErrorV1, BrokerRequestV1 as BrokerRequest, BrokerResponseV1 } from '@wagw/contracts';
import { BrokerRequestV1 } from '@wagw/contracts';
import { GatewayError, isGatewayError } from '@wagw/core/errors';
import type { Logger } from '@wagw/runtime/logger';
import type { SecretDirectorySource } from './cached-secret-directory';
import type { SecretDirectory } from './secret-directory';
import { describeIssues } from './secret-directory';

export const BROKER_REQUEST_INVALID = 'BROKER_REQUEST_INVALID';
export const BROKER_INTERNAL_ERROR = 'BROKER_INTERNAL_ERROR';

export interface BrokerDependencies {
  directory: SecretDirectorySource;
  logger: Pick<Logger, 'debug' | 'warn' | 'error'>;
}

const answer = (directory: SecretDirectory, request: BrokerRequest): unknown => {
  switch (request.op) {
    case 'resolveChannel':
      return directory.resolveChannel(request.provider, request.channelId);
    case 'listMetaApps':
      return directory.listMetaApps();
    case 'getTenantDatabase':
      return directory.getTenantDatabase(request.tenantId);
    case 'getChannelCredentials':
      return directory.getChannelCredentials(request.provider, request.channelId);
    case 'listTenants':
      return directory.listTenants();
  }
};

const failure = (error: GatewayError): BrokerResponseV1 => {
  const body: BrokerErrorV1 = { code: error.code, message: error.message, retryable: error.retryable };
  return { ok: false, error: body };
};

/** Request fields worth logging: the op and ids, never an answer. */
const requestFields = (request: BrokerRequest): Record<string, string> => {
  const { op, ...ids } = request;
  return { op, ...ids };
};

/**
 * Answers one broker request from the records. Every failure comes back as a typed error body
 * (`{ ok: false, error: { code, message, retryable } }`); no exception and no raw exception text
 * ever leaves the broker.
 */
export const answerBrokerRequest = async (deps: BrokerDependencies, event: unknown): Promise<BrokerResponseV1> => {
  const parsed = BrokerRequestV1.safeParse(event);
  if (!parsed.success) {
    deps.logger.warn({ code: BROKER_REQUEST_INVALID }, 'broker request rejected');
    return failure(new GatewayError(BROKER_REQUEST_INVALID, `not a broker request: ${describeIssues(parsed.error)}`));
  }
  const request = parsed.data;
  try {
    const result = answer(await deps.directory.current(), request);
    deps.logger.debug(requestFields(request), 'broker request answered');
    return { ok: true, result };
  } catch (error) {
    if (isGatewayError(error)) {
      deps.logger.warn({ ...requestFields(request), code: error.code, retryable: error.retryable }, error.message);
      return failure(error);
    }
    deps.logger.error(
      { ...requestFields(request), code: BROKER_INTERNAL_ERROR, errorType: error instanceof Error ? error.constructor.name : typeof error },
      'broker request failed unexpectedly',
    );
    return failure(new GatewayError(BROKER_INTERNAL_ERROR, 'the credentials broker failed unexpectedly', { retryable: true }));
  }
};
