import type { DatabaseSettingsV1, InboundMessageRowV1, OutboundStatus, Provider } from '@wagw/contracts';
import type { MessageKey, StatusEventRow, TenantDatabase } from '@wagw/core';
import type { MigrationResult } from './migration';

/** A wa_inbound_messages row as read back, with its database id (a string: BIGINT exceeds 2^53). */
export type InboundMessageRecord = InboundMessageRowV1 & { id: string };

export interface ListInboundOptions {
  /** At most this many rows, oldest id first (default 1000). */
  limit?: number;
}

/** Reads for tests and ops scripts; the gateway's own paths never read rows back. */
export interface InboundMessageReader {
  listInboundMessages(options?: ListInboundOptions): Promise<InboundMessageRecord[]>;
  findInboundMessage(key: MessageKey): Promise<InboundMessageRecord | undefined>;
}

/** Every column of a wa_outbound_messages row, as read back. */
export interface OutboundMessageRecord {
  /** BIGINT as a decimal string. */
  id: string;
  channelId: string | null;
  toId: string;
  message: string;
  notBefore: Date | null;
  status: OutboundStatus;
  attempts: number;
  reservedUntil: Date | null;
  provider: Provider | null;
  providerMessageId: string | null;
  errorCode: string | null;
  errorMessage: string | null;
  createdAt: Date;
  queuedAt: Date | null;
  sentAt: Date | null;
  deliveredAt: Date | null;
  readAt: Date | null;
  failedAt: Date | null;
  updatedAt: Date;
}

/** What a tenant system writes into wa_outbound_messages; every other column takes its default. */
export interface NewOutboundMessage {
  /** NULL = the tenant's default channel. */
  channelId: string | null;
  toId: string;
  /** JSON text in the Cloud API message shape (kept as given, valid or not). */
  message: string;
  notBefore?: Date | null;
}

export interface ListOutboundOptions {
  /** At most this many rows, oldest id first (default 1000). */
  limit?: number;
  /** Only rows with a larger id (paging). */
  afterId?: string;
}

/** A wa_status_events row as read back, with its database id. */
export type StatusEventRecord = StatusEventRow & { id: string };

export interface ListStatusEventOptions {
  /** At most this many events, oldest id first (default 1000). */
  limit?: number;
}

/**
 * Tests, local mode and ops scripts: insert a row the way a tenant system does, and read rows and
 * events back. Not a service port: the gateway's own paths use OutboundMessageStore / StatusStore.
 */
export interface OutboundMessageOps {
  /** Inserts a 'pending' row as a tenant would; returns its id. */
  insertOutboundMessage(row: NewOutboundMessage): Promise<string>;
  listOutboundMessages(options?: ListOutboundOptions): Promise<OutboundMessageRecord[]>;
  findOutboundMessage(id: string): Promise<OutboundMessageRecord | undefined>;
  listStatusEventRecords(options?: ListStatusEventOptions): Promise<StatusEventRecord[]>;
}

/**
 * One tenant database, whatever its engine: every service port (inbound, outbound, status), the
 * test/ops reads and writes, migrations and close.
 */
export interface TenantStore extends TenantDatabase, InboundMessageReader, OutboundMessageOps {
  readonly engine: DatabaseSettingsV1['engine'];
  /** Applies the schema migrations this database lacks (idempotent). */
  migrate(): Promise<MigrationResult>;
  /** Releases the pool / embedded instance. The store must not be used afterwards. */
  close(): Promise<void>;
}

export interface TenantStoreOptions {
  /** Names the tenant in errors (TenantDatabaseUnavailableError). */
  tenantId?: string;
}

export const DEFAULT_LIST_LIMIT = 1000;
