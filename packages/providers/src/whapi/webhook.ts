import { MalformedWebhookError } from '@wagw/core/errors';
import { isJsonObject, nonEmpty, parseJsonBody } from '../json-body';
import type { JsonObject } from '../json-body';

/** Arrays a Whapi webhook may carry (OpenAPI WebhookPayload); only messages and statuses become events. */
const KNOWN_ARRAYS: ReadonlySet<string> = new Set([
  'messages',
  'messages_updates',
  'messages_removed',
  'statuses',
  'chats',
  'chats_updates',
  'chats_removed',
  'contacts',
  'contacts_updates',
  'groups',
  'groups_participants',
  'groups_updates',
  'presences',
  'calls',
  'labels',
  'users',
]);

const EVENT_KEYS: ReadonlySet<string> = new Set(['channel_id', 'event', 'messages', 'statuses']);

export interface WhapiWebhook {
  /** channel_id of the body: must equal the channel of the webhook path. */
  channelId: string;
  /** `event: { type, event }` as sent (e.g. messages/post), when present. */
  event?: { type?: string; event?: string };
  messages: JsonObject[];
  statuses: JsonObject[];
  /** Other top-level keys (chats, presences, messages_updates…): acknowledged, archived, not queued. */
  ignoredKeys: string[];
}


const eventItems = (body: JsonObject, key: 'messages' | 'statuses', required: readonly string[]): JsonObject[] => {
  const value = body[key];
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new MalformedWebhookError(`${key} is not an array`);
  return value.map((item: unknown, index) => {
    if (!isJsonObject(item)) throw new MalformedWebhookError(`${key}[${index}] is not an object`);
    for (const field of required) {
      if (nonEmpty(item[field]) === undefined) {
        throw new MalformedWebhookError(`${key}[${index}].${field} is missing or not a non-empty string`);
      }
    }
    return item;
  });
};

const eventHeader = (value: unknown): WhapiWebhook['event'] => {
  if (!isJsonObject(value)) return undefined;
  const header: NonNullable<WhapiWebhook['event']> = {};
  if (typeof value.type === 'string') header.type = value.type;
  if (typeof value.event === 'string') header.event = value.event;
  return header;
};

/**
 * Splits a parsed Whapi webhook body: messages and statuses (every one), and the keys that are
 * acknowledged without becoming events. A body without `channel_id` and at least one known array or
 * `event` is a MalformedWebhookError.
 */
export const splitWhapiEnvelope = (body: unknown): WhapiWebhook => {
  const isEnvelope =
    isJsonObject(body) &&
    nonEmpty(body.channel_id) !== undefined &&
    (isJsonObject(body.event) || Object.keys(body).some((key) => KNOWN_ARRAYS.has(key) && Array.isArray(body[key])));
  if (!isEnvelope) {
    throw new MalformedWebhookError(
      'not a Whapi webhook envelope: expected an object with "channel_id" and an "event" or a known array such as "messages"',
    );
  }
  const webhook: WhapiWebhook = {
    channelId: body.channel_id as string,
    messages: eventItems(body, 'messages', ['id']),
    statuses: eventItems(body, 'statuses', ['id', 'status']),
    ignoredKeys: Object.keys(body).filter((key) => !EVENT_KEYS.has(key)),
  };
  const event = eventHeader(body.event);
  if (event !== undefined) webhook.event = event;
  return webhook;
};

/** Parses the raw body bytes and splits the envelope. */
export const parseWhapiWebhook = (rawBody: Uint8Array): WhapiWebhook => splitWhapiEnvelope(parseJsonBody(rawBody));

/** `from_me: true`: an echo of the business's own send, not an inbound message. */
export const isWhapiEcho = (message: JsonObject): boolean => message.from_me === true;

/** The conversation of a message, for the FIFO group: its chat id (user or group), else the sender. */
export const whapiMessageContactId = (message: JsonObject): string => nonEmpty(message.chat_id) ?? nonEmpty(message.from) ?? '';

/** The conversation of a status: the recipient's chat id. */
export const whapiStatusContactId = (status: JsonObject): string => nonEmpty(status.recipient_id) ?? '';
