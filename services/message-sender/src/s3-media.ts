/**
 * The media objects of an outbound message that name a file of the gateway's bucket (`s3_key`), and
 * the message with those replaced by the provider media ids they were uploaded as. Places looked at:
 * the message's own media (image, audio, video, document, sticker), an interactive header, and the
 * media parameters of template components (header).
 */

type Json = Record<string, unknown>;

const MEDIA_KINDS = new Set(['image', 'audio', 'video', 'document', 'sticker']);

export interface S3MediaRef {
  key: string;
  /** image, audio, video, document or sticker. */
  kind: string;
  /** The document's own filename, when the message gives one. */
  filename?: string;
}

const isJson = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Every `{ kind, media }` holder in the places the gateway uploads from. */
const mediaHolders = (message: Json): Json[] => {
  const holders: Json[] = [message];
  const interactive = message.interactive;
  if (isJson(interactive) && isJson(interactive.header)) holders.push(interactive.header);
  const template = message.template;
  if (isJson(template) && Array.isArray(template.components)) {
    for (const component of template.components) {
      if (isJson(component) && Array.isArray(component.parameters)) holders.push(...component.parameters.filter(isJson));
    }
  }
  return holders;
};

const mediaOf = (holder: Json): { kind: string; media: Json } | undefined => {
  const kind = holder.type;
  if (typeof kind !== 'string' || !MEDIA_KINDS.has(kind)) return undefined;
  const media = holder[kind];
  return isJson(media) ? { kind, media } : undefined;
};

/** The distinct `s3_key` media of a message, in the order they appear. */
export const s3MediaOf = (message: Json): S3MediaRef[] => {
  const found = new Map<string, S3MediaRef>();
  for (const holder of mediaHolders(message)) {
    const entry = mediaOf(holder);
    const key = entry?.media.s3_key;
    if (entry === undefined || typeof key !== 'string' || found.has(key)) continue;
    const filename = entry.media.filename;
    found.set(key, { key, kind: entry.kind, ...(typeof filename === 'string' && filename !== '' ? { filename } : {}) });
  }
  return [...found.values()];
};

/** The last path segment of a key ('outbound/t1/2025/invoice.pdf' → 'invoice.pdf'). */
export const keyBasename = (key: string): string => key.slice(key.lastIndexOf('/') + 1) || key;

/**
 * A copy of `message` whose `s3_key` media carry the provider media `id` instead. A document without
 * a filename gets the key's basename, so the recipient sees a name rather than "Untitled".
 */
export const withProviderMediaIds = (message: Json, mediaIds: ReadonlyMap<string, string>): Json => {
  const copy = structuredClone(message);
  for (const holder of mediaHolders(copy)) {
    const entry = mediaOf(holder);
    const key = entry?.media.s3_key;
    if (entry === undefined || typeof key !== 'string') continue;
    const id = mediaIds.get(key);
    if (id === undefined) continue;
    const { s3_key: _key, ...rest } = entry.media;
    holder[entry.kind] = entry.kind === 'document' && rest.filename === undefined ? { ...rest, id, filename: keyBasename(key) } : { ...rest, id };
  }
  return copy;
};

/**
 * Whether a tenant may send this key: only its own uploads (`outbound/{tenantId}/…`) and the media
 * the gateway stored for it (`media/{tenantId}/…`). Dot segments are refused so that no reader that
 * normalises paths can be walked into another tenant's prefix.
 */
export const mayTenantSendKey = (tenantId: string, key: string): boolean => {
  const allowed = key.startsWith(`media/${tenantId}/`) || key.startsWith(`outbound/${tenantId}/`);
  return allowed && !key.split('/').some((segment) => segment === '..' || segment === '.' || segment === '');
};
