import type { BrokerRequestV1, BrokerResponseV1 } from '@wagw/contracts';

/**
 * Carries one request to the credentials broker and brings back its answer. Resolves with the
 * broker's response (including its typed error answers); rejects with CredentialsUnavailableError
 * when the broker could not be asked or did not answer.
 */
export interface BrokerTransport {
  invoke(request: BrokerRequestV1): Promise<BrokerResponseV1>;
}
