import type { ChannelOwnerV1 } from '@wagw/contracts';
import { ChannelNotFoundError, InvalidSignatureError, MalformedWebhookError } from '@wagw/core/errors';
import { rawArchiveKey } from '@wagw/core/ids';
import { metaReceiptFields } from '@wagw/providers/meta/receipt';
import { verifyMetaSignature } from '@wagw/providers/meta/signature';
import { META_MESSAGES_FIELD, metaMessageContactId, metaStatusContactId, parseMetaWebhook } from '@wagw/providers/meta/webhook';
import type { MetaChange } from '@wagw/providers/meta/webhook';
import { EventBatch } from './event-batch';
import type { ReceiverDeps } from './receiver-deps';
import { ChannelAppMismatchError } from './receiver-errors';
import { archiveRawBody, routeEvents } from './route-events';
import type { WebhookOutcome } from './webhook-outcome';

export interface MetaWebhookRequest {
  /** The body bytes exactly as received (base64-decoded when API Gateway encoded them). */
  body: Uint8Array;
  /** X-Hub-Signature-256. */
  signature: string | undefined;
}

/** Owner of each phone_number_id the body routes to; undefined = no tenant owns it (parked). */
const resolveOwners = async (
  deps: Pick<ReceiverDeps, 'credentials'>,
  changes: readonly MetaChange[],
): Promise<Map<string, ChannelOwnerV1 | undefined>> => {
  const ids = [...new Set(changes.flatMap((change) => (change.phoneNumberId === undefined ? [] : [change.phoneNumberId])))];
  const owners = await Promise.all(
    ids.map(async (id) => {
      try {
        return await deps.credentials.resolveChannel('meta', id);
      } catch (error) {
        if (error instanceof ChannelNotFoundError) return undefined;
        throw error;
      }
    }),
  );
  return new Map(ids.map((id, index) => [id, owners[index]]));
};

/**
 * POST /webhooks/meta: checks the signature against every configured app secret, splits every entry,
 * change, message and status into queue events for the owning tenant (or parks them when no tenant
 * owns the number), archives the raw body and queues everything. Resolves only when all of it is
 * durable. Throws InvalidSignatureError (nothing stored), MalformedWebhookError (raw body archived),
 * ChannelAppMismatchError (nothing stored) or a retryable error (the provider retries).
 */
export const receiveMetaWebhook = async (deps: ReceiverDeps, request: MetaWebhookRequest): Promise<WebhookOutcome> => {
  const { body } = request;
  const appId = verifyMetaSignature(body, request.signature, await deps.credentials.listMetaApps());
  if (appId === undefined) throw new InvalidSignatureError();

  const receivedAt = deps.clock.now().toISOString();
  const archive = { key: rawArchiveKey('meta', body), body };
  let changes: MetaChange[];
  try {
    changes = parseMetaWebhook(body);
  } catch (error) {
    if (error instanceof MalformedWebhookError) {
      await archiveRawBody(deps.blobs, archive);
      deps.logger.warn({ archiveKey: archive.key, reason: error.message }, 'malformed meta webhook archived');
    }
    throw error;
  }

  const messageChanges = changes.filter((change) => change.field === META_MESSAGES_FIELD);
  const owners = await resolveOwners(deps, messageChanges);
  for (const [phoneNumberId, owner] of owners) {
    if (owner !== undefined && owner.metaAppId !== appId) {
      deps.logger.warn({ phoneNumberId, tenantId: owner.tenantId, signedBy: appId, ownerApp: owner.metaAppId }, 'meta webhook signed by another app');
      throw new ChannelAppMismatchError(phoneNumberId);
    }
  }

  const batch = new EventBatch({ provider: 'meta', archiveKey: archive.key, receivedAt, signedByMetaAppId: appId });
  for (const change of messageChanges) {
    const channelId = change.phoneNumberId;
    if (channelId === undefined) continue; // an errors-only change without metadata: nothing to route
    const tenantId = owners.get(channelId)?.tenantId;
    for (const message of change.messages) {
      batch.addMessage(tenantId, {
        channelId,
        providerMessageId: String(message.item.id),
        contactId: metaMessageContactId(message),
        item: message.item,
        ...(message.contact === undefined ? {} : { contact: message.contact }),
      });
    }
    for (const status of change.statuses) {
      batch.addReceipt(tenantId, { channelId, contactId: metaStatusContactId(status), item: status, ...metaReceiptFields(status, receivedAt) });
    }
  }

  for (const change of messageChanges) {
    if (change.errors.length === 0) continue;
    const tenantId = change.phoneNumberId === undefined ? undefined : owners.get(change.phoneNumberId)?.tenantId;
    const codes = change.errors.map((error) => String(error.code));
    deps.logger.warn({ tenantId, phoneNumberId: change.phoneNumberId, wabaId: change.wabaId, codes }, 'meta webhook errors');
  }
  const otherChanges = changes.filter((change) => change.field !== META_MESSAGES_FIELD);
  for (const change of otherChanges) {
    deps.logger.info({ field: change.field, wabaId: change.wabaId, archiveKey: archive.key }, 'meta webhook field acknowledged');
  }
  for (const entry of batch.parked) {
    deps.logger.warn({ channelId: entry.parked.channelId, key: entry.key, queue: entry.parked.queue }, 'unknown meta number: event parked');
  }

  await routeEvents(deps, archive, batch);
  return { ...batch.counts(), echoesSkipped: 0, ignored: otherChanges.length };
};
