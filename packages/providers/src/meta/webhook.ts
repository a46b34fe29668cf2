import { MalformedWebhookError } from '@wagw/core/errors';
import { isJsonObject, nonEmpty, parseJsonBody } from '../json-body';
import type { JsonObject } from '../json-body';

/** One inbound message item with the `value.contacts[]` entry of its sender, when there is one. */
export interface MetaMessage {
  item: JsonObject;
  contact?: JsonObject;
}

/** One `entry[i].changes[j]` of a Meta webhook. Fields other than 'messages' carry no events. */
export interface MetaChange {
  /** entry.id: the WhatsApp Business Account id ('' when absent). */
  wabaId: string;
  field: string;
  /** value.metadata.phone_number_id: the channel id, the routing key to the tenant. */
  phoneNumberId?: string;
  messages: MetaMessage[];
  statuses: JsonObject[];
  /** value.errors[]: system-, app- or account-level errors, not tied to a message. */
  errors: JsonObject[];
}

export const META_MESSAGES_FIELD = 'messages';

const idString = (value: unknown): string | undefined => {
  if (typeof value === 'string' && value !== '') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return undefined;
};


const objectArray = (value: unknown, path: string): JsonObject[] => {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new MalformedWebhookError(`${path} is not an array`);
  return value.map((item, index) => {
    if (!isJsonObject(item)) throw new MalformedWebhookError(`${path}[${index}] is not an object`);
    return item;
  });
};

const requireString = (item: JsonObject, key: string, path: string): void => {
  if (nonEmpty(item[key]) === undefined) throw new MalformedWebhookError(`${path}.${key} is missing or not a non-empty string`);
};

const senderContact = (item: JsonObject, contacts: readonly JsonObject[]): JsonObject | undefined => {
  const from = nonEmpty(item.from);
  const fromUserId = nonEmpty(item.from_user_id);
  const match = contacts.find(
    (contact) =>
      (from !== undefined && (contact.wa_id === from || contact.user_id === from)) ||
      (fromUserId !== undefined && contact.user_id === fromUserId),
  );
  return match ?? (contacts.length === 1 ? contacts[0] : undefined);
};

const splitMessagesValue = (value: unknown, path: string): Omit<MetaChange, 'wabaId' | 'field'> => {
  if (!isJsonObject(value)) throw new MalformedWebhookError(`${path} is not an object`);
  const phoneNumberId = idString(isJsonObject(value.metadata) ? value.metadata.phone_number_id : undefined);
  const contacts = Array.isArray(value.contacts) ? value.contacts.filter(isJsonObject) : [];

  const messages = objectArray(value.messages, `${path}.messages`).map((item, index) => {
    requireString(item, 'id', `${path}.messages[${index}]`);
    const contact = senderContact(item, contacts);
    return contact === undefined ? { item } : { item, contact };
  });
  const statuses = objectArray(value.statuses, `${path}.statuses`);
  statuses.forEach((item, index) => {
    requireString(item, 'id', `${path}.statuses[${index}]`);
    requireString(item, 'status', `${path}.statuses[${index}]`);
  });
  const errors = objectArray(value.errors, `${path}.errors`);

  if (phoneNumberId === undefined && (messages.length > 0 || statuses.length > 0)) {
    throw new MalformedWebhookError(`${path}.metadata.phone_number_id is missing: the messages cannot be routed`);
  }
  return phoneNumberId === undefined ? { messages, statuses, errors } : { phoneNumberId, messages, statuses, errors };
};

/**
 * Every entry × change of a parsed Meta webhook body, with every message, status and error in it.
 * Unfamiliar fields, message types and statuses are kept as they are; only a body that is not an
 * envelope (or whose events cannot be identified or routed) is a MalformedWebhookError.
 */
export const splitMetaEnvelope = (body: unknown): MetaChange[] => {
  if (!isJsonObject(body) || typeof body.object !== 'string' || !Array.isArray(body.entry)) {
    throw new MalformedWebhookError('not a Meta webhook envelope: expected an object with "object" and an "entry" array');
  }
  const changes: MetaChange[] = [];
  body.entry.forEach((entry: unknown, entryIndex) => {
    const entryPath = `entry[${entryIndex}]`;
    if (!isJsonObject(entry)) throw new MalformedWebhookError(`${entryPath} is not an object`);
    if (!Array.isArray(entry.changes)) throw new MalformedWebhookError(`${entryPath}.changes is not an array`);
    const wabaId = idString(entry.id) ?? '';
    entry.changes.forEach((change: unknown, changeIndex) => {
      const changePath = `${entryPath}.changes[${changeIndex}]`;
      if (!isJsonObject(change)) throw new MalformedWebhookError(`${changePath} is not an object`);
      const field = nonEmpty(change.field);
      if (field === undefined) throw new MalformedWebhookError(`${changePath}.field is missing or not a non-empty string`);
      if (field !== META_MESSAGES_FIELD) {
        changes.push({ wabaId, field, messages: [], statuses: [], errors: [] });
        return;
      }
      changes.push({ wabaId, field, ...splitMessagesValue(change.value, `${changePath}.value`) });
    });
  });
  return changes;
};

/** Parses the raw body bytes (never re-serialized) and splits the envelope. */
export const parseMetaWebhook = (rawBody: Uint8Array): MetaChange[] => splitMetaEnvelope(parseJsonBody(rawBody));

/**
 * The other party of an inbound message, for the FIFO group: the phone number, or the business-scoped
 * user id once usernames roll out ('' when none is known).
 */
export const metaMessageContactId = (message: MetaMessage): string =>
  nonEmpty(message.item.from) ??
  nonEmpty(message.contact?.user_id) ??
  nonEmpty(message.contact?.wa_id) ??
  nonEmpty(message.item.from_user_id) ??
  '';

/** The other party of a status: the recipient's phone number or business-scoped user id. */
export const metaStatusContactId = (status: JsonObject): string =>
  nonEmpty(status.recipient_id) ?? nonEmpty(status.recipient_user_id) ?? '';
