/**
 * Widths of the bounded text columns (SQL Server DDL; PostgreSQL uses unbounded text). Both dialects
 * refuse longer values up front, so a row behaves the same whichever database a tenant runs.
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
} as const;
