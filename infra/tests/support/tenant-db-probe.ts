import type { DatabaseSettingsV1 } from '@wagw/contracts';
import { createTenantStore, migrateTenantDatabase } from '@wagw/tenant-db';

/**
 * A Lambda-shaped entry bundled by the driver probe test (tests/integration/tenant-db-driver-probe.test.ts)
 * exactly as the functions are: it opens a tenant database through createTenantStore, so the dialect
 * chunks (pg, mssql + tedious) are loaded by dynamic import from a real bundle.
 */
export interface ProbeRequest {
  settings: DatabaseSettingsV1;
  tenantId: string;
}

export type ProbeAnswer =
  | { ok: true; engine: string; appliedMigrations: number[]; row: { toId: string; status: string } | undefined }
  | { ok: false; code: unknown; retryable: unknown; message: string };

export const handler = async ({ settings, tenantId }: ProbeRequest): Promise<ProbeAnswer> => {
  try {
    const { applied } = await migrateTenantDatabase(settings, { tenantId });
    const store = await createTenantStore(settings, { tenantId });
    try {
      const id = await store.insertOutboundMessage({ channelId: null, toId: '15551234567', message: '{"type":"text","text":{"body":"probe"}}' });
      const row = await store.findOutboundMessage(id);
      return { ok: true, engine: store.engine, appliedMigrations: applied, row: row && { toId: row.toId, status: row.status } };
    } finally {
      await store.close();
    }
  } catch (error) {
    const { code, retryable, message } = error as { code?: unknown; retryable?: unknown; message?: unknown };
    return { ok: false, code, retryable, message: String(message) };
  }
};
