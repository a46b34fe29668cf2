import { isJsonObject, type JsonObject } from '../json-body';
import {
  asObject,
  contentPayload,
  firstOf,
  guessBody,
  joinText,
  locationContent,
  mediaOf,
  parseJsonSafely,
  read,
  readArray,
  readId,
  readNumber,
  readObject,
  readString,
  unixSecondsToDate,
  type TypeContent,
} from '../normalize-fields';
import type { NormalizedMessage } from '../normalized-message';

const MEDIA_TYPES = new Set(['image', 'video', 'audio', 'document', 'sticker']);

const mediaContent = (type: string, content: JsonObject | undefined): TypeContent => {
  const body = readString(content, 'caption');
  const media = mediaOf(type, content, { link: 'url' });
  return { payload: contentPayload(content), ...(body === undefined ? {} : { body }), ...(media === undefined ? {} : { media }) };
};

const contactName = (card: unknown): string | undefined => {
  const name = readObject(asObject(card), 'name');
  return firstOf(
    readId(name, 'formatted_name'),
    joinText([readString(name, 'first_name'), readString(name, 'middle_name'), readString(name, 'last_name')], ' '),
  );
};

const contactsContent = (message: JsonObject): TypeContent => {
  const cards = readArray(message, 'contacts');
  const body = joinText(cards.map(contactName), ', ');
  return { payload: { contacts: cards }, ...(body === undefined ? {} : { body }) };
};

const interactiveContent = (interactive: JsonObject | undefined): TypeContent => {
  const replyType = readString(interactive, 'type') ?? 'unknown';
  const reply = readObject(interactive, replyType);
  const payload: JsonObject = { ...contentPayload(reply), type: replyType };
  let body: string | undefined;
  switch (replyType) {
    case 'button_reply':
    case 'list_reply':
      body = readString(reply, 'title');
      break;
    case 'nfm_reply': {
      // Flows send their answer as a JSON *string*: keep it, and add it parsed when it parses.
      const parsed = parseJsonSafely(readString(reply, 'response_json'));
      payload.response = parsed === undefined ? null : parsed;
      body = readString(reply, 'body');
      break;
    }
    case 'call_permission_reply':
      body = readString(reply, 'response');
      break;
    default:
      body = guessBody(reply);
  }
  return { payload, ...(body === undefined ? {} : { body }) };
};

const reactionContent = (reaction: JsonObject | undefined): TypeContent => {
  const emoji = readId(reaction, 'emoji');
  const target = readId(reaction, 'message_id');
  const payload: JsonObject = { ...contentPayload(reaction), removed: emoji === undefined };
  return { payload, ...(emoji === undefined ? {} : { body: emoji }), ...(target === undefined ? {} : { replyToId: target }) };
};

/** Sums of quantity × item_price per currency, in thousandths so that 3 × 7.99 is 23.97. */
const orderTotals = (items: unknown[]): { currency: string; amount: number }[] => {
  const totals = new Map<string, number>();
  for (const item of items) {
    const line = asObject(item);
    const currency = readId(line, 'currency');
    const quantity = readNumber(line, 'quantity');
    const price = readNumber(line, 'item_price');
    if (currency === undefined || quantity === undefined || price === undefined) continue;
    totals.set(currency, (totals.get(currency) ?? 0) + Math.round(price * 1000) * quantity);
  }
  return [...totals].map(([currency, thousandths]) => ({ currency, amount: Math.round(thousandths) / 1000 }));
};

const orderContent = (order: JsonObject | undefined): TypeContent => {
  const items = readArray(order, 'product_items');
  const payload: JsonObject = { ...contentPayload(order), product_items: items, item_count: items.length, totals: orderTotals(items) };
  const body = readString(order, 'text');
  return { payload, ...(body === undefined ? {} : { body }) };
};

const bodyContent = (content: JsonObject | undefined, bodyKey: string): TypeContent => {
  const body = readString(content, bodyKey);
  return { payload: contentPayload(content), ...(body === undefined ? {} : { body }) };
};

const typeContent = (type: string, message: JsonObject): TypeContent => {
  const content = read(message, type);
  const object = asObject(content);
  if (MEDIA_TYPES.has(type)) return mediaContent(type, object);
  switch (type) {
    case 'text':
      return bodyContent(object, 'body');
    case 'location':
      return locationContent(object);
    case 'contacts':
      return contactsContent(message);
    case 'interactive':
      return interactiveContent(object);
    case 'button':
      return bodyContent(object, 'text');
    case 'reaction':
      return reactionContent(object);
    case 'order':
      return orderContent(object);
    case 'system':
      return bodyContent(object, 'body');
    case 'unsupported':
    case 'request_welcome':
      return { payload: contentPayload(content) };
    default: {
      const body = guessBody(object);
      return { payload: contentPayload(content), ...(body === undefined ? {} : { body }) };
    }
  }
};

/** Fields every message type may carry: quote/forward context, ad referral, errors, group, sender card. */
const commonPayload = (message: JsonObject, contact: JsonObject | undefined): JsonObject => {
  const common: JsonObject = {};
  for (const key of ['context', 'referral', 'errors', 'group_id'] as const) {
    const value = read(message, key);
    if (value !== undefined) common[key] = value;
  }
  if (contact !== undefined) common.contact = contact;
  return common;
};

/**
 * One Meta `messages[]` item (with its `value.contacts[]` entry, when there is one) as the
 * message's part of a wa_inbound_messages row. Total: any object gives a result, unknown types too.
 */
export const normalizeMetaMessage = (item: JsonObject, contact?: JsonObject): NormalizedMessage => {
  const message: JsonObject = isJsonObject(item) ? item : {};
  const sender = asObject(contact);
  const type = readId(message, 'type') ?? 'unknown';
  const content = typeContent(type, message);
  const context = readObject(message, 'context');
  const normalized: NormalizedMessage = {
    providerMessageId: readId(message, 'id') ?? '',
    fromId:
      firstOf(readId(message, 'from'), readId(sender, 'user_id'), readId(sender, 'wa_id'), readId(message, 'from_user_id')) ?? '',
    fromName: readString(readObject(sender, 'profile'), 'name') ?? null,
    type,
    body: content.body ?? null,
    replyToId: content.replyToId ?? readId(context, 'id') ?? null,
    payload: { ...content.payload, ...commonPayload(message, sender) },
    raw: message,
    sentAt: unixSecondsToDate(read(message, 'timestamp')),
  };
  if (content.media !== undefined) normalized.media = content.media;
  return normalized;
};
