import { InvokeCommand } from '@aws-sdk/client-lambda';
import { createLambdaClient } from '@wagw/aws/clients';
import type { DatabaseSettingsV1 } from '@wagw/contracts';
import type { LocalAdminRequest, LocalAdminResponse } from '@wagw/local/local-admin';
import { resolveDatabaseSettings } from '@wagw/local/pglite-paths';
import { LOCAL_ADMIN_FUNCTION } from '@wagw/local/service-environment';
import { createTenantStore } from '@wagw/tenant-db/create-tenant-store';
import { migrateTenantDatabase } from '@wagw/tenant-db/migrate-tenant-database';
import type { MigrationResult } from '@wagw/tenant-db/migration';
import type { InboundMessageRecord, NewOutboundMessage, TenantStore, OutboundMessageRecord } from '@wagw/tenant-db/tenant-store';
import type { CliTargets } from './cli-context';
import { CliError, readGatewayConfigFile } from './cli-context';

/**
 * Reads and migrations of tenant databases. While local mode runs, the request goes to the gateway
 * process (its `local-admin` function): a PGlite directory must never be opened by two processes.
 * Otherwise the CLI opens the database itself, with the settings of the gateway config file.
 */
/**
 * A wa_outbound_messages row as the CLI gets it: through the gateway's Lambda endpoint the timestamps
 * arrive as ISO strings (JSON), from the database directly as Dates; the CLI only prints them.
 */
type DatesOrStrings<T> = { [K in keyof T]: T[K] extends Date ? Date | string : T[K] extends Date | null ? Date | string | null : T[K] };
export type OutboundRow = DatesOrStrings<OutboundMessageRecord>;

export interface TenantAdmin {
  listInboundMessages(tenantId: string, limit: number): Promise<InboundMessageRecord[]>;
  /** Inserts a row as a tenant system would (status 'pending'); returns its id. */
  insertOutboundMessage(tenantId: string, row: NewOutboundMessage): Promise<string>;
  listOutboundMessages(tenantId: string, limit: number): Promise<OutboundRow[]>;
  findOutboundMessage(tenantId: string, id: string): Promise<OutboundRow | undefined>;
  migrate(tenantId: string): Promise<MigrationResult>;
  tenantIds(): Promise<string[]>;
  close(): void;
}

const viaGateway = (targets: CliTargets, lambdaEndpoint: string): TenantAdmin => {
  const client = createLambdaClient({ endpoint: lambdaEndpoint });
  const call = async (request: LocalAdminRequest): Promise<unknown> => {
    const output = await client.send(
      new InvokeCommand({ FunctionName: LOCAL_ADMIN_FUNCTION, Payload: new TextEncoder().encode(JSON.stringify(request)) }),
    );
    const text = new TextDecoder().decode(output.Payload ?? new Uint8Array());
    if (output.FunctionError !== undefined) throw new CliError(`the gateway failed to answer (${output.FunctionError})`);
    const answer = JSON.parse(text) as LocalAdminResponse;
    if (!answer.ok) throw new CliError(`${answer.error.code}: ${answer.error.message}`);
    return answer.result;
  };
  return {
    listInboundMessages: async (tenantId, limit) => (await call({ op: 'listInboundMessages', tenantId, limit })) as InboundMessageRecord[],
    insertOutboundMessage: async (tenantId, row) => {
      const notBefore = row.notBefore?.toISOString();
      const result = (await call({
        op: 'insertOutboundMessage',
        tenantId,
        channelId: row.channelId,
        toId: row.toId,
        message: row.message,
        ...(notBefore === undefined ? {} : { notBefore }),
      })) as { id: string };
      return result.id;
    },
    listOutboundMessages: async (tenantId, limit) => (await call({ op: 'listOutboundMessages', tenantId, limit })) as OutboundRow[],
    findOutboundMessage: async (tenantId, id) => ((await call({ op: 'findOutboundMessage', tenantId, id })) as OutboundRow | null) ?? undefined,
    migrate: async (tenantId) => (await call({ op: 'migrate', tenantId })) as MigrationResult,
    tenantIds: async () => (await readGatewayConfigFile(targets.configPath)).tenants.map((tenant) => tenant.tenantId),
    close: () => client.destroy(),
  };
};

const direct = (targets: CliTargets): TenantAdmin => {
  const settingsOf = async (tenantId: string): Promise<DatabaseSettingsV1> => {
    const config = await readGatewayConfigFile(targets.configPath);
    const tenant = config.tenants.find((candidate) => candidate.tenantId === tenantId);
    if (tenant === undefined) throw new CliError(`no tenant ${tenantId} in ${targets.configPath}`);
    return resolveDatabaseSettings(tenant.database, targets.stateDir);
  };
  const withStore = async <T>(tenantId: string, use: (store: TenantStore) => Promise<T>): Promise<T> => {
    const store = await createTenantStore(await settingsOf(tenantId), { tenantId });
    try {
      return await use(store);
    } finally {
      await store.close();
    }
  };
  return {
    listInboundMessages: (tenantId, limit) => withStore(tenantId, (store) => store.listInboundMessages({ limit })),
    insertOutboundMessage: (tenantId, row) => withStore(tenantId, (store) => store.insertOutboundMessage(row)),
    listOutboundMessages: (tenantId, limit) => withStore(tenantId, (store) => store.listOutboundMessages({ limit })),
    findOutboundMessage: (tenantId, id) => withStore(tenantId, (store) => store.findOutboundMessage(id)),
    migrate: async (tenantId) => migrateTenantDatabase(await settingsOf(tenantId), { tenantId }),
    tenantIds: async () => (await readGatewayConfigFile(targets.configPath)).tenants.map((tenant) => tenant.tenantId),
    close: () => undefined,
  };
};

export const openTenantAdmin = (targets: CliTargets): TenantAdmin =>
  targets.local !== undefined ? viaGateway(targets, targets.local.lambdaEndpoint) : direct(targets);
