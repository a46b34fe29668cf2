import type { InboundMessageRowV1, MediaOutcomeV1, MediaStatus, Provider } from '@wagw/contracts';
import { COLUMN_WIDTHS } from './column-widths';
import {
  clipped,
  encodeJson,
  instant,
  nullableString,
  optionalClipped,
  optionalText,
  parseJsonColumn,
  text,
  toDate,
  withoutNul,
} from './column-values';
import type { InboundMessageRecord } from './tenant-store';

export { encodeJson, withoutNul } from './column-values';

/** wa_inbound_messages column values as both dialects bind them (JSON as text, UTC instants). */
export interface InboundColumnValues {
  provider: string;
  channel_id: string;
  provider_message_id: string;
  from_id: string;
  from_name: string | null;
  type: string;
  body: string | null;
  reply_to_id: string | null;
  media_status: string;
  media_key: string | null;
  media_mime_type: string | null;
  media_size: number | null;
  media_sha256: string | null;
  media_error: string | null;
  payload: string;
  raw: string;
  sent_at: Date;
  received_at: Date;
}

export interface KeyValues {
  provider: string;
  channel_id: string;
  provider_message_id: string;
}

export const encodeKey = (key: { provider: Provider; channelId: string; providerMessageId: string }): KeyValues => ({
  provider: text('provider', key.provider, COLUMN_WIDTHS.provider),
  channel_id: text('channel_id', key.channelId, COLUMN_WIDTHS.channelId),
  provider_message_id: text('provider_message_id', key.providerMessageId, COLUMN_WIDTHS.providerMessageId),
});

export const encodeInboundRow = (row: InboundMessageRowV1): InboundColumnValues => ({
  ...encodeKey(row),
  from_id: text('from_id', row.fromId, COLUMN_WIDTHS.fromId),
  from_name: optionalText('from_name', row.fromName),
  type: clipped(row.type, COLUMN_WIDTHS.type),
  body: optionalText('body', row.body),
  reply_to_id: optionalText('reply_to_id', row.replyToId, COLUMN_WIDTHS.replyToId),
  media_status: text('media_status', row.mediaStatus, COLUMN_WIDTHS.mediaStatus),
  media_key: optionalText('media_key', row.mediaKey, COLUMN_WIDTHS.mediaKey),
  media_mime_type: optionalClipped(row.mediaMimeType, COLUMN_WIDTHS.mediaMimeType),
  media_size: row.mediaSize,
  media_sha256: optionalText('media_sha256', row.mediaSha256, COLUMN_WIDTHS.mediaSha256),
  media_error: optionalText('media_error', row.mediaError),
  payload: encodeJson(row.payload),
  raw: encodeJson(row.raw),
  sent_at: instant('sent_at', row.sentAt),
  received_at: instant('received_at', row.receivedAt),
});

export type StoredMediaValues = Pick<InboundColumnValues, 'media_key' | 'media_mime_type' | 'media_size' | 'media_sha256'>;

export const encodeStoredMedia = (outcome: Extract<MediaOutcomeV1, { status: 'stored' }>): StoredMediaValues => ({
  media_key: text('media_key', outcome.key, COLUMN_WIDTHS.mediaKey),
  media_mime_type: clipped(outcome.mimeType, COLUMN_WIDTHS.mediaMimeType),
  media_size: outcome.size,
  media_sha256: text('media_sha256', outcome.sha256, COLUMN_WIDTHS.mediaSha256),
});

/** media_error as the row records it: "CODE: reason". */
export const encodeMediaError = (outcome: Extract<MediaOutcomeV1, { status: 'failed' }>): string =>
  withoutNul(`${outcome.code}: ${outcome.reason}`);

/** A row as either driver returns it: jsonb arrives parsed, NVARCHAR JSON as text, BIGINT as string or number. */
export type InboundDbRow = { [K in keyof InboundColumnValues]: unknown } & { id: unknown };

export const decodeInboundRow = (row: InboundDbRow): InboundMessageRecord => ({
  id: String(row.id),
  provider: String(row.provider) as Provider,
  channelId: String(row.channel_id),
  providerMessageId: String(row.provider_message_id),
  fromId: String(row.from_id),
  fromName: nullableString(row.from_name),
  type: String(row.type),
  body: nullableString(row.body),
  replyToId: nullableString(row.reply_to_id),
  mediaStatus: String(row.media_status) as MediaStatus,
  mediaKey: nullableString(row.media_key),
  mediaMimeType: nullableString(row.media_mime_type),
  mediaSize: row.media_size === null || row.media_size === undefined ? null : Number(row.media_size),
  mediaSha256: nullableString(row.media_sha256),
  mediaError: nullableString(row.media_error),
  payload: parseJsonColumn(row.payload),
  raw: parseJsonColumn(row.raw),
  sentAt: toDate(row.sent_at),
  receivedAt: toDate(row.received_at),
});
