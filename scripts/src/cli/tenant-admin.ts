import { InvokeCommand } from '@aws-sdk/client-lambda';
import { createLambdaClient } from '@wagw/aws/clients';
import type { DatabaseSettingsV1 } from '@wagw/contracts';
import type { LocalAdminRequest, LocalAdminResponse } from '@wagw/local/local-admin';
import { resolveDatabaseSettings } from '@wagw/local/pglite-paths';
import { LOCAL_ADMIN_FUNCTION } from '@wagw/local/service-environment';
import { createTenantStore } from '@wagw/tenant-db/create-tenant-store';
import { migrateTenantDatabase } from '@wagw/tenant-db/migrate-tenant-database';
import type { MigrationResult } from '@wagw/tenant-db/migration';
import type { InboundMessageRecord } from '@wagw/tenant-db/tenant-store';
import type { CliTargets } from './cli-context';
import { CliError, readGatewayConfigFile } from './cli-context';

/**
 * Reads and migrations of tenant databases. While local mode runs, the request goes to the gateway
 * process (its `local-admin` function): a PGlite directory must never be opened by two processes.
 * Otherwise the CLI opens the database itself, with the settings of the gateway config file.
 */
export interface TenantAdmin {
  listInboundMessages(tenantId: string, limit: number): Promise<InboundMessageRecord[]>;
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
  return {
    listInboundMessages: async (tenantId, limit) => {
      const store = await createTenantStore(await settingsOf(tenantId), { tenantId });
      try {
        return await store.listInboundMessages({ limit });
      } finally {
        await store.close();
      }
    },
    migrate: async (tenantId) => migrateTenantDatabase(await settingsOf(tenantId), { tenantId }),
    tenantIds: async () => (await readGatewayConfigFile(targets.configPath)).tenants.map((tenant) => tenant.tenantId),
    close: () => undefined,
  };
};

export const openTenantAdmin = (targets: CliTargets): TenantAdmin =>
  targets.local !== undefined ? viaGateway(targets, targets.local.lambdaEndpoint) : direct(targets);
