import type { ChannelOwnerV1, WhapiChannelV1 } from '@wagw/contracts';
import { ChannelNotFoundError, GatewayError, InvalidSignatureError, MalformedWebhookError } from '@wagw/core/errors';
import { rawArchiveKey, sha256Hex } from '@wagw/core/ids';
import { whapiReceiptFields } from '@wagw/providers/whapi/receipt';
import { isWhapiEcho, parseWhapiWebhook, whapiMessageContactId, whapiStatusContactId } from '@wagw/providers/whapi/webhook';
import type { WhapiWebhook } from '@wagw/providers/whapi/webhook';
import { constantTimeEqual } from './constant-time-equal';
import { EventBatch } from './event-batch';
import type { EventRoute } from './event-batch';
import type { ReceiverDeps } from './receiver-deps';
import { ChannelMismatchError, ChannelRecordInvalidError } from './receiver-errors';
import { archiveRawBody, routeEvents } from './route-events';
import type { WebhookOutcome } from './webhook-outcome';

export interface WhapiWebhookRequest {
  /** The channel id of the webhook path. */
  channelId: string;
  body: Uint8Array;
  /** X-Gateway-Secret as presented. */
  presentedSecret: string | undefined;
}

interface KnownChannel {
  owner: ChannelOwnerV1;
  record: WhapiChannelV1;
}

/**
 * The broker refuses the channel's record for good (a broken secret record, a missing tenant). The
 * webhook secret lives in that record, so the sender cannot be authenticated now. Parking would store
 * unauthenticated events under a tenant's channel; instead the webhook is refused as retryable (503):
 * Whapi delivers again and the events arrive once the record is repaired (the error log says which).
 */
export class WhapiChannelRecordUnusableError extends GatewayError {
  constructor(channelId: string, cause: GatewayError) {
    super('CHANNEL_RECORD_UNUSABLE', `whapi channel ${channelId}: ${cause.code}: ${cause.message}`, { retryable: true, cause });
  }
}

const lookUpChannel = async (deps: Pick<ReceiverDeps, 'credentials'>, channelId: string): Promise<KnownChannel | undefined> => {
  try {
    const [owner, record] = await Promise.all([
      deps.credentials.resolveChannel('whapi', channelId),
      deps.credentials.getChannelCredentials('whapi', channelId),
    ]);
    if (record.provider !== 'whapi') throw new ChannelRecordInvalidError(`channel ${channelId} is not a whapi channel`);
    return { owner, record };
  } catch (error) {
    if (error instanceof ChannelNotFoundError) return undefined;
    if (error instanceof GatewayError && !error.retryable) throw new WhapiChannelRecordUnusableError(channelId, error);
    throw error;
  }
};

/**
 * POST /webhooks/whapi/{channelId}: X-Gateway-Secret must equal the channel's webhook secret and the
 * body's channel_id the path's channel. Messages go to inbound-events (from_me echoes are skipped: the
 * raw archive keeps them), statuses to status-events. A channel no tenant owns has no secret to check
 * yet: its events are parked with the sha256 of the presented secret, checked at replay; its
 * malformed bodies are refused without storing anything (nobody authenticated them).
 */
export const receiveWhapiWebhook = async (deps: ReceiverDeps, request: WhapiWebhookRequest): Promise<WebhookOutcome> => {
  const { channelId, body, presentedSecret } = request;
  if (presentedSecret === undefined || presentedSecret === '') throw new InvalidSignatureError('X-Gateway-Secret header is missing');
  const known = await lookUpChannel(deps, channelId);
  if (known !== undefined && !constantTimeEqual(presentedSecret, known.record.webhookSecret)) {
    throw new InvalidSignatureError('X-Gateway-Secret does not match the channel');
  }

  const receivedAt = deps.clock.now().toISOString();
  const archive = { key: rawArchiveKey('whapi', body), body };
  let webhook: WhapiWebhook;
  try {
    webhook = parseWhapiWebhook(body);
  } catch (error) {
    if (error instanceof MalformedWebhookError && known !== undefined) {
      await archiveRawBody(deps.blobs, archive);
      deps.logger.warn({ channelId, archiveKey: archive.key, reason: error.message }, 'malformed whapi webhook archived');
    }
    throw error;
  }
  if (webhook.channelId !== channelId) throw new ChannelMismatchError();

  const tenantId = known?.owner.tenantId;
  const route: EventRoute = known === undefined ? { parkReason: 'unknown-channel' } : { tenantId: known.owner.tenantId };
  const batch = new EventBatch({
    provider: 'whapi',
    archiveKey: archive.key,
    receivedAt,
    ...(known === undefined ? { presentedSecretSha256: sha256Hex(presentedSecret) } : {}),
  });
  let echoesSkipped = 0;
  for (const item of webhook.messages) {
    const providerMessageId = String(item.id);
    if (isWhapiEcho(item)) {
      echoesSkipped += 1;
      deps.logger.info({ tenantId, channelId, providerMessageId }, 'echo skipped');
      continue;
    }
    batch.addMessage(route, { channelId, providerMessageId, contactId: whapiMessageContactId(item), item });
  }
  for (const item of webhook.statuses) {
    batch.addReceipt(route, { channelId, contactId: whapiStatusContactId(item), item, ...whapiReceiptFields(item, receivedAt) });
  }
  if (webhook.ignoredKeys.length > 0) {
    deps.logger.info({ tenantId, channelId, keys: webhook.ignoredKeys, archiveKey: archive.key }, 'whapi webhook keys acknowledged');
  }
  if (known === undefined && batch.parked.length > 0) {
    deps.logger.warn({ channelId, parked: batch.parked.length }, 'unknown whapi channel: events parked');
  }

  await routeEvents(deps, archive, batch);
  return { ...batch.counts(), echoesSkipped, ignored: webhook.ignoredKeys.length };
};
