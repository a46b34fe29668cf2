import type { Provider } from '@wagw/contracts';
import type { SendEnding } from './send-ending';
import { failed } from './send-ending';

/**
 * The result recorded on the tenant's row when the credentials broker refuses the channel for good.
 * The broker's own message is never copied: it may name the secret record or another tenant. Each
 * code gets a fixed text; the broker's detail goes to the operator's log only.
 */
export const brokerRefusal = (code: string, provider: Provider, channelId: string): SendEnding => {
  switch (code) {
    case 'CHANNEL_NOT_FOUND':
      return failed('CHANNEL_NOT_FOUND', `CHANNEL_NOT_FOUND: ${provider} channel ${channelId} is not configured`);
    case 'SECRET_RECORD_INVALID':
      return failed('SECRET_RECORD_INVALID', "SECRET_RECORD_INVALID: the channel's credentials record is invalid; the operator has been told in the logs");
    case 'TENANT_NOT_FOUND':
      return failed('TENANT_NOT_FOUND', `TENANT_NOT_FOUND: the owner of ${provider} channel ${channelId} is not configured`);
    default:
      return failed(
        'CREDENTIALS_REFUSED',
        `CREDENTIALS_REFUSED: the credentials broker refused ${provider} channel ${channelId}; the operator has been told in the logs`,
      );
  }
};
