import { OUTBOUND_MEDIA_TYPES, checkOutboundContent } from '@wagw/contracts';
import type { OutboundContentV1, OutboundMediaType } from '@wagw/contracts';
import { isObject, permanent } from './call-results';
import type { Rejection } from './call-results';

export type Sendable = { ok: true; content: OutboundContentV1 } | { ok: false; rejection: Rejection };

const isMediaType = (type: string): type is OutboundMediaType => (OUTBOUND_MEDIA_TYPES as readonly string[]).includes(type);

/**
 * The message as a provider can send it: a valid OutboundContentV1 whose media are given by `link` or
 * provider `id`. An `s3_key` here means the sender skipped the upload (a bug), refused like bad content.
 */
export const sendableContent = (message: Record<string, unknown>): Sendable => {
  const checked = checkOutboundContent(message);
  if (!checked.ok) return { ok: false, rejection: permanent('INVALID_MESSAGE', `INVALID_MESSAGE: ${checked.reason}`) };
  const { content } = checked;
  if (isMediaType(content.type)) {
    const media = (content as Record<string, unknown>)[content.type];
    if (isObject(media) && media.s3_key !== undefined) {
      return { ok: false, rejection: permanent('MEDIA_NOT_UPLOADED', `MEDIA_NOT_UPLOADED: ${content.type}.s3_key must be uploaded to the provider before sending`) };
    }
  }
  return { ok: true, content };
};
