/**
 * Widths of the bounded text columns (SQL Server DDL; PostgreSQL uses unbounded text). Both dialects
 * apply them up front, so a row behaves the same whichever database a tenant runs: a longer key or
 * id is refused, a longer free-form value (type, media_mime_type) is cut to the width.
 */
export const COLUMN_WIDTHS = {
  provider: 16,
  channelId: 128,
  providerMessageId: 256,
  fromId: 256,
  type: 64,
  replyToId: 256,
  mediaStatus: 16,
  mediaKey: 1024,
  mediaMimeType: 255,
  mediaSha256: 128,
  toId: 256,
  errorCode: 64,
  eventStatus: 32,
  recipientId: 256,
} as const;
