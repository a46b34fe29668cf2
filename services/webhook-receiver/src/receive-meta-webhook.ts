import type { ChannelOwnerV1, ParkReason } from '@wagw/contracts';
import { ChannelNotFoundError, GatewayError, InvalidSignatureError, MalformedWebhookError } from '@wagw/core/errors';
import { rawArchiveKey } from '@wagw/core/ids';
import { metaReceiptFields } from '@wagw/providers/meta/receipt';
import { verifyMetaSignature } from '@wagw/providers/meta/signature';
import { META_MESSAGES_FIELD, metaMessageContactId, metaStatusContactId, parseMetaWebhook } from '@wagw/providers/meta/webhook';
import type { MetaChange } from '@wagw/providers/meta/webhook';
import { EventBatch } from './event-batch';
import type { EventRoute } from './event-batch';
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

/** The tenant that owns a phone_number_id, or why its events are parked instead. */
type NumberResolution = { owner: ChannelOwnerV1 } | { parkReason: ParkReason };

/**
 * Resolves every phone_number_id of the body. A number no tenant owns, or whose record the broker
 * refuses for good (broken secret record, missing tenant), is parked so one tenant's bad record never
 * costs other tenants their events; a retryable failure throws, so Meta delivers again.
 */
const resolveNumbers = async (
  deps: Pick<ReceiverDeps, 'credentials' | 'logger'>,
  changes: readonly MetaChange[],
): Promise<Map<string, NumberResolution>> => {
  const ids = [...new Set(changes.flatMap((change) => (change.phoneNumberId === undefined ? [] : [change.phoneNumberId])))];
  const resolutions = await Promise.all(
    ids.map(async (id): Promise<NumberResolution> => {
      try {
        return { owner: await deps.credentials.resolveChannel('meta', id) };
      } catch (error) {
        if (error instanceof ChannelNotFoundError) return { parkReason: 'unknown-channel' };
        if (error instanceof GatewayError && !error.retryable) {
          deps.logger.warn({ phoneNumberId: id, code: error.code, reason: error.message }, 'meta number has an unusable channel record');
          return { parkReason: 'channel-record-invalid' };
        }
        throw error;
      }
    }),
  );
  return new Map(ids.map((id, index) => [id, resolutions[index]!]));
};

const routeOf = (resolution: NumberResolution | undefined): EventRoute =>
  resolution === undefined ? { parkReason: 'unknown-channel' } : 'owner' in resolution ? { tenantId: resolution.owner.tenantId } : resolution;

const tenantOf = (resolution: NumberResolution | undefined): string | undefined =>
  resolution !== undefined && 'owner' in resolution ? resolution.owner.tenantId : undefined;

/**
 * POST /webhooks/meta: checks the signature against every configured app secret, splits every entry,
 * change, message and status into queue events for the owning tenant (or parks them when no tenant
 * owns the number or its record is unusable), archives the raw body and queues everything. Resolves
 * only when all of it is durable. Throws InvalidSignatureError (nothing stored), MalformedWebhookError
 * (raw body archived), ChannelAppMismatchError (a number's app is none of the apps whose secret
 * signed; nothing stored) or a retryable error (the provider retries).
 */
export const receiveMetaWebhook = async (deps: ReceiverDeps, request: MetaWebhookRequest): Promise<WebhookOutcome> => {
  const { body } = request;
  // Apps may share a secret: every app it verifies for is a candidate sender.
  const signedBy = verifyMetaSignature(body, request.signature, await deps.credentials.listMetaApps());
  if (signedBy.length === 0) throw new InvalidSignatureError();

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
  const numbers = await resolveNumbers(deps, messageChanges);
  for (const [phoneNumberId, resolution] of numbers) {
    if (!('owner' in resolution)) continue;
    const { owner } = resolution;
    if (owner.metaAppId === undefined || !signedBy.includes(owner.metaAppId)) {
      deps.logger.warn({ phoneNumberId, tenantId: owner.tenantId, signedBy, ownerApp: owner.metaAppId }, 'meta webhook signed by another app');
      throw new ChannelAppMismatchError(phoneNumberId);
    }
  }

  const batch = new EventBatch({ provider: 'meta', archiveKey: archive.key, receivedAt, signedByMetaAppIds: signedBy });
  for (const change of messageChanges) {
    const channelId = change.phoneNumberId;
    if (channelId === undefined) continue; // an errors-only change without metadata: nothing to route
    const route = routeOf(numbers.get(channelId));
    for (const message of change.messages) {
      batch.addMessage(route, {
        channelId,
        providerMessageId: String(message.item.id),
        contactId: metaMessageContactId(message),
        item: message.item,
        ...(message.contact === undefined ? {} : { contact: message.contact }),
      });
    }
    for (const status of change.statuses) {
      batch.addReceipt(route, { channelId, contactId: metaStatusContactId(status), item: status, ...metaReceiptFields(status, receivedAt) });
    }
  }

  for (const change of messageChanges) {
    if (change.errors.length === 0) continue;
    const tenantId = change.phoneNumberId === undefined ? undefined : tenantOf(numbers.get(change.phoneNumberId));
    const codes = change.errors.map((error) => String(error.code));
    deps.logger.warn({ tenantId, phoneNumberId: change.phoneNumberId, wabaId: change.wabaId, codes }, 'meta webhook errors');
  }
  const otherChanges = changes.filter((change) => change.field !== META_MESSAGES_FIELD);
  for (const change of otherChanges) {
    deps.logger.info({ field: change.field, wabaId: change.wabaId, archiveKey: archive.key }, 'meta webhook field acknowledged');
  }
  for (const entry of batch.parked) {
    const { channelId, queue, reason } = entry.parked;
    deps.logger.warn(
      { channelId, key: entry.key, queue, reason },
      reason === 'unknown-channel' ? 'unknown meta number: event parked' : 'meta number with an unusable channel record: event parked',
    );
  }

  await routeEvents(deps, archive, batch);
  return { ...batch.counts(), echoesSkipped: 0, ignored: otherChanges.length };
};
