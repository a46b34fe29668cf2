import { isHttpUrl, isNonEmptyString, isRecord } from './json-values';
import type { JsonObject } from './json-values';
import type { KnownMedia } from './send-validation-meta';

/** The `/messages/{type}` endpoints the sandbox speaks. */
export const WHAPI_MESSAGE_TYPES = [
  'text',
  'image',
  'video',
  'gif',
  'audio',
  'voice',
  'document',
  'sticker',
  'location',
  'contact',
  'contact_list',
  'interactive',
  'link_preview',
] as const;
export type WhapiMessageType = (typeof WHAPI_MESSAGE_TYPES)[number];

export const isWhapiMessageType = (value: string): value is WhapiMessageType => (WHAPI_MESSAGE_TYPES as readonly string[]).includes(value);

type Problem = string | undefined;

const MEDIA_TYPES = new Set<WhapiMessageType>(['image', 'video', 'gif', 'audio', 'voice', 'document', 'sticker']);

/** A chat id (`<digits>@s.whatsapp.net`, `<id>@g.us`, `<id>@newsletter`) or a bare phone number. */
const isWhapiRecipient = (to: unknown): boolean =>
  typeof to === 'string' && (/^\d{5,20}@s\.whatsapp\.net$/.test(to) || /^[\w.-]+@(g\.us|newsletter)$/.test(to) || /^\+?\d{5,20}$/.test(to));

/** `media` is a public URL, a data: URI, base64 with `mime_type`, or the id of an upload. */
const checkMedia = (body: JsonObject, knownMedia: KnownMedia): Problem => {
  const media = body.media;
  if (!isNonEmptyString(media)) return "Parameter 'media' is required";
  if (isHttpUrl(media) || media.startsWith('data:')) return undefined;
  if (isNonEmptyString(body.mime_type)) return undefined; // base64 content
  return knownMedia(media) ? undefined : `Media '${media.length > 64 ? `${media.slice(0, 64)}…` : media}' not found (base64 needs 'mime_type')`;
};

const isCoordinate = (value: unknown, limit: number): boolean => typeof value === 'number' && Number.isFinite(value) && Math.abs(value) <= limit;

const isVCard = (value: unknown): boolean => isRecord(value) && isNonEmptyString(value.name) && isNonEmptyString(value.vcard);

const checkers: Readonly<Record<Exclude<WhapiMessageType, 'image' | 'video' | 'gif' | 'audio' | 'voice' | 'document' | 'sticker'>, (body: JsonObject) => Problem>> = {
  text: (body) => (isNonEmptyString(body.body) ? undefined : "Parameter 'body' is required"),
  location: (body) =>
    isCoordinate(body.latitude, 90) && isCoordinate(body.longitude, 180) ? undefined : "Parameters 'latitude' and 'longitude' must be numbers",
  contact: (body) => (isVCard(body) ? undefined : "Parameters 'name' and 'vcard' are required"),
  contact_list: (body) =>
    Array.isArray(body.list) && body.list.length > 0 && body.list.every(isVCard) ? undefined : "Parameter 'list' must be a non-empty array of {name, vcard}",
  interactive: (body) => {
    if (!isRecord(body.action)) return "Parameter 'action' is required";
    if (body.body !== undefined && (!isRecord(body.body) || typeof body.body.text !== 'string')) return "Parameter 'body' must be {text}";
    return undefined;
  },
  link_preview: (body) => {
    if (!isNonEmptyString(body.body)) return "Parameter 'body' is required";
    if (!/https?:\/\/\S+/.test(body.body)) return "Parameter 'body' must contain a link";
    return isNonEmptyString(body.title) ? undefined : "Parameter 'title' is required";
  },
};

/** Checks a `POST /messages/{type}` body for `to` and the type's required fields; a problem → Whapi's 400 details. */
export const validateWhapiSend = (type: WhapiMessageType, body: JsonObject, knownMedia: KnownMedia): Problem => {
  if (!isWhapiRecipient(body.to)) return "Invalid 'to' parameter";
  if (body.quoted !== undefined && !isNonEmptyString(body.quoted)) return "Parameter 'quoted' must be a message id";
  if (MEDIA_TYPES.has(type)) return checkMedia(body, knownMedia);
  return checkers[type as keyof typeof checkers](body);
};

/** `PUT /messages/{id}/reaction` needs a non-empty emoji (removal is `DELETE`). */
export const validateWhapiReaction = (body: JsonObject): Problem => (isNonEmptyString(body.emoji) ? undefined : "Parameter 'emoji' is required");
