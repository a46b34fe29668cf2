import type { CredentialsClient } from '@wagw/core/ports';
import { constantTimeEqual } from './constant-time-equal';
import { VerificationFailedError } from './receiver-errors';
import { MalformedWebhookError } from '@wagw/core/errors';

export interface SubscriptionRequest {
  mode: string | undefined;
  verifyToken: string | undefined;
  challenge: string | undefined;
}

/**
 * Meta's GET handshake: when hub.mode is 'subscribe' and hub.verify_token is the verify token of any
 * configured app, the challenge to echo back byte for byte; otherwise VerificationFailedError.
 */
export const verifyMetaSubscription = async (
  deps: { credentials: CredentialsClient },
  request: SubscriptionRequest,
): Promise<string> => {
  const { mode, verifyToken, challenge } = request;
  if (mode !== 'subscribe' || verifyToken === undefined || verifyToken === '') throw new VerificationFailedError();
  const apps = await deps.credentials.listMetaApps();
  // Every token is compared, so the time taken does not tell which app (if any) matched.
  const matches = apps.map((app) => constantTimeEqual(verifyToken, app.verifyToken));
  if (!matches.includes(true)) throw new VerificationFailedError();
  if (challenge === undefined || challenge === '') throw new MalformedWebhookError('hub.challenge is missing');
  return challenge;
};
