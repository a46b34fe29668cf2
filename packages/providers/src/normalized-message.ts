import type { InboundMessageRowV1 } from '@wagw/contracts';

/** A file the message carries; the inbound-writer turns it into a MediaJobV1. */
export interface NormalizedMedia {
  /** Provider media id (Meta media id, Whapi media id). */
  mediaId?: string;
  /** A download link the provider put in the webhook (Meta `url`, Whapi `link`). */
  link?: string;
  mimeType?: string;
  /** As the provider states it (Meta: base64, Whapi: hex); the stored file's own hash replaces it. */
  sha256?: string;
  filename?: string;
  /** The message type that carried the file (image, audio, video, document, sticker, voice, gif…). */
  kind: string;
  size?: number;
}

/**
 * The part of a wa_inbound_messages row that comes from the provider's message item. The writer adds
 * tenant, channel and receipt time; `mediaStatus` is 'pending' when `media` is set, else 'none'.
 */
export type NormalizedMessage = Pick<
  InboundMessageRowV1,
  'providerMessageId' | 'fromId' | 'fromName' | 'type' | 'body' | 'replyToId' | 'payload' | 'raw'
> & {
  /** Provider timestamp; null when the item has no usable one (the writer then uses the receipt time). */
  sentAt: Date | null;
  media?: NormalizedMedia;
};
