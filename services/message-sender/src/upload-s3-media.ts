import type { OutboundMessageEventV1 } from '@wagw/contracts';
import type { ChannelSession } from './channel-session';
import { ProviderRetryableError } from './errors';
import type { MessageSenderDependencies } from './message-sender-dependencies';
import { keyBasename, mayTenantSendKey, s3MediaOf, withProviderMediaIds } from './s3-media';
import type { Delivery } from './send-budget';
import { requireTimeFor } from './send-budget';
import type { SendEnding } from './send-ending';
import { failed } from './send-ending';

/** S3's answer for an object stored without a type; the provider then decides whether it takes it. */
const FALLBACK_MIME_TYPE = 'application/octet-stream';

export type PreparedMessage = { outcome: 'ready'; message: Record<string, unknown> } | SendEnding;

/**
 * Uploads every `s3_key` media of the message to the provider's media endpoint and gives the message
 * back with the provider media ids in their place. Keys outside the tenant's prefixes, missing objects
 * and objects larger than the provider takes for their kind end the attempt as 'failed' (a too large
 * object is never read); an upload is classified like a send, except that an upload without an answer
 * is retried (nothing reached the recipient yet). No upload starts unless the invocation still has time
 * for it, the send and the publish.
 */
export const uploadS3Media = async (
  deps: Pick<MessageSenderDependencies, 'media' | 'providers' | 'settings'>,
  event: OutboundMessageEventV1,
  session: ChannelSession,
  delivery: Delivery,
): Promise<PreparedMessage> => {
  const refs = s3MediaOf(event.message);
  if (refs.length === 0) return { outcome: 'ready', message: event.message };

  const forbidden = refs.find((ref) => !mayTenantSendKey(event.tenantId, ref.key));
  if (forbidden !== undefined) {
    return failed(
      'MEDIA_KEY_FORBIDDEN',
      `s3_key ${forbidden.key} is not under media/${event.tenantId}/ or outbound/${event.tenantId}/`,
    );
  }

  const provider = deps.providers[event.provider];
  const mediaIds = new Map<string, string>();
  for (const ref of refs) {
    requireTimeFor(deps.settings, delivery, 'upload');
    const maxBytes = deps.settings.mediaMaxBytes(ref.kind);
    const stored = await deps.media.getWithMetadataWithin(ref.key, maxBytes);
    if (stored === undefined) return failed('MEDIA_NOT_FOUND', `no object ${ref.key} in the gateway's bucket`);
    if (stored.outcome === 'too-large') {
      return failed('MEDIA_TOO_LARGE', `s3_key ${ref.key} is ${stored.size} bytes; ${event.provider} takes at most ${maxBytes} bytes for ${/^[aeiou]/.test(ref.kind) ? 'an' : 'a'} ${ref.kind}`);
    }
    const { blob } = stored;
    const media = { bytes: blob.bytes, mimeType: blob.contentType ?? FALLBACK_MIME_TYPE, filename: ref.filename ?? keyBasename(ref.key) };
    const answer = await session.call((channel) => {
      // Checked again for the second try after a token refresh: the first one took time.
      requireTimeFor(deps.settings, delivery, 'upload');
      return provider.uploadMedia(channel, media);
    });
    switch (answer.outcome) {
      case 'accepted':
        mediaIds.set(ref.key, answer.providerMessageId);
        break;
      case 'rejected':
        if (answer.retry === 'retryable') throw new ProviderRetryableError(answer.code, answer.message, answer.minDelaySeconds, answer.traceId);
        return failed(answer.code, `media upload of ${ref.key} failed: ${answer.message}`, answer.traceId);
      case 'unknown':
        throw new ProviderRetryableError(answer.code, `media upload of ${ref.key} got no answer: ${answer.message}`);
      case 'lease-expired':
        return answer;
    }
  }
  return { outcome: 'ready', message: withProviderMediaIds(event.message, mediaIds) };
};
