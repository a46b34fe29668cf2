import { createHash } from 'node:crypto';

export const sha256Hex = (data: string | Uint8Array): string => createHash('sha256').update(data).digest('hex');

const FIFO_ID_MAX = 128;
const FIFO_ID_CHARS = /^[\x21-\x7e]+$/;

/**
 * A FIFO MessageGroupId / MessageDeduplicationId from stable parts. SQS allows 128 printable ASCII
 * characters; ids that are longer (BSUIDs reach 256) or not printable are replaced by their hash,
 * which keeps them stable and distinct.
 */
export const fifoId = (...parts: string[]): string => {
  const joined = parts.join(':');
  return joined.length <= FIFO_ID_MAX && FIFO_ID_CHARS.test(joined) ? joined : sha256Hex(joined);
};

/** Per-conversation order: tenant + channel + contact. */
export const conversationGroupId = (tenantId: string, channelId: string, contactId: string): string =>
  fifoId(tenantId, channelId, contactId || '-');

/** Content-addressed key of an archived raw webhook body: the same bytes always land on the same key. */
export const rawArchiveKey = (provider: string, body: Uint8Array): string => `raw/${provider}/${sha256Hex(body)}.json`;

/** Private key of one message's media file. Message ids are hashed: they may contain `/`, `+` or `=`. */
export const mediaObjectKey = (
  tenantId: string,
  provider: string,
  channelId: string,
  providerMessageId: string,
  extension: string,
): string => `media/${tenantId}/${provider}/${channelId}/${sha256Hex(providerMessageId).slice(0, 40)}${extension}`;

/**
 * Key of one parked event. The sender's identity (Meta: the signing app ids, Whapi: the hash of the
 * presented secret) is part of the key, so a sender who knows a message id cannot overwrite an event
 * another sender parked; the same event from the same sender always lands on the same key.
 */
export const parkedEventKey = (provider: string, channelId: string, dedupId: string, senderId: string): string =>
  `parked/${provider}/${channelId}/${sha256Hex(`${senderId}\n${dedupId}`).slice(0, 40)}.json`;
