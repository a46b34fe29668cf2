import { isJsonObject, type JsonObject } from '../json-body';
import {
  asObject,
  contentPayload,
  firstOf,
  guessBody,
  joinText,
  locationContent,
  mediaOf,
  read,
  readArray,
  readId,
  readObject,
  readString,
  unixSecondsToDate,
  type TypeContent,
} from '../normalize-fields';
import type { NormalizedMessage } from '../normalized-message';

const MEDIA_TYPES = new Set(['image', 'video', 'gif', 'short', 'audio', 'voice', 'document', 'sticker']);

const mediaContent = (type: string, content: JsonObject | undefined): TypeContent => {
  const payload = contentPayload(content);
  // A base64 JPEG thumbnail: bulky, and still in `raw`.
  delete payload.preview;
  const body = readString(content, 'caption');
  const media = mediaOf(type, content, { link: 'link', size: 'file_size' });
  return { payload, ...(body === undefined ? {} : { body }), ...(media === undefined ? {} : { media }) };
};

const contactListContent = (content: JsonObject | undefined): TypeContent => {
  const body = joinText(
    readArray(content, 'list').map((card) => readString(asObject(card), 'name')),
    ', ',
  );
  return { payload: contentPayload(content), ...(body === undefined ? {} : { body }) };
};

/** Reactions, edits, deletes, votes: `action.target` is the message acted on. */
const actionContent = (action: JsonObject | undefined): TypeContent => {
  const actionType = readString(action, 'type');
  const target = readId(action, 'target');
  const payload = contentPayload(action);
  let body: string | undefined;
  if (actionType === 'reaction') {
    body = readId(action, 'emoji');
    payload.removed = body === undefined;
  } else if (actionType === 'edit') {
    const edited = readObject(action, 'edited_content');
    body = firstOf(readString(edited, 'body'), readString(readObject(edited, 'text'), 'body'));
  }
  return { payload, ...(body === undefined ? {} : { body }), ...(target === undefined ? {} : { replyToId: target }) };
};

const replyContent = (reply: JsonObject | undefined): TypeContent => {
  const replyType = readString(reply, 'type') ?? 'unknown';
  const choice = readObject(reply, replyType);
  const body = readString(choice, 'title');
  return { payload: { ...contentPayload(choice), type: replyType }, ...(body === undefined ? {} : { body }) };
};

const bodyContent = (content: unknown, body: string | undefined): TypeContent => ({
  payload: contentPayload(content),
  ...(body === undefined ? {} : { body }),
});

const typeContent = (type: string, message: JsonObject): TypeContent => {
  const content = read(message, type);
  const object = asObject(content);
  if (MEDIA_TYPES.has(type)) return mediaContent(type, object);
  switch (type) {
    case 'text':
    case 'system':
    case 'link_preview':
      return bodyContent(object, readString(object, 'body'));
    case 'location':
    case 'live_location':
      return locationContent(object);
    case 'contact':
      return bodyContent(object, readString(object, 'name'));
    case 'contact_list':
      return contactListContent(object);
    case 'action':
      return actionContent(object);
    case 'reply':
      return replyContent(object);
    case 'interactive':
      return bodyContent(object, readString(readObject(object, 'body'), 'text'));
    case 'poll':
      return bodyContent(object, readString(object, 'title'));
    default:
      return bodyContent(content, guessBody(object));
  }
};

/** Chat, quote/forward context and the message subtype, whatever the type. */
const commonPayload = (message: JsonObject): JsonObject => {
  const common: JsonObject = {};
  for (const key of ['chat_id', 'context', 'subtype', 'source'] as const) {
    const value = read(message, key);
    if (value !== undefined) common[key] = value;
  }
  return common;
};

/** `15550001111@s.whatsapp.net` → `15550001111`: the sender of a one-to-one chat when `from` is missing. */
const userOfChat = (chatId: string | undefined): string | undefined => {
  const user = chatId?.endsWith('@s.whatsapp.net') ? chatId.slice(0, chatId.indexOf('@')) : '';
  return user === '' ? undefined : user;
};

/**
 * One Whapi `messages[]` item as the message's part of a wa_inbound_messages row. Total: any object
 * gives a result, unknown types too.
 */
export const normalizeWhapiMessage = (item: JsonObject): NormalizedMessage => {
  const message: JsonObject = isJsonObject(item) ? item : {};
  const type = readId(message, 'type') ?? 'unknown';
  const content = typeContent(type, message);
  const normalized: NormalizedMessage = {
    providerMessageId: readId(message, 'id') ?? '',
    fromId: firstOf(readId(message, 'from'), userOfChat(readString(message, 'chat_id'))) ?? '',
    fromName: readString(message, 'from_name') ?? null,
    type,
    body: content.body ?? null,
    replyToId: content.replyToId ?? readId(readObject(message, 'context'), 'quoted_id') ?? null,
    payload: { ...content.payload, ...commonPayload(message) },
    raw: message,
    sentAt: unixSecondsToDate(read(message, 'timestamp')),
  };
  if (content.media !== undefined) normalized.media = content.media;
  return normalized;
};
