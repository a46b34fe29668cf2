import type { DatabaseSettingsV1, InboundMessageRowV1 } from '@wagw/contracts';
import type { InboundMessageStore, MessageKey } from '@wagw/core';
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

/** One tenant database, whatever its engine: the inbound port plus reads, migrations and close. */
export interface TenantStore extends InboundMessageStore, InboundMessageReader {
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
