import { BrokerResponseV1, DatabaseSettingsV1 } from '@wagw/contracts';
import { isGatewayError } from '@wagw/core/errors';
import { createTenantStore } from '@wagw/tenant-db/create-tenant-store';
import { migrateTenantDatabase } from '@wagw/tenant-db/migrate-tenant-database';
import type { TenantStore } from '@wagw/tenant-db/tenant-store';
import * as z from 'zod/mini';

/**
 * Ops requests the running local gateway answers for the CLI (`pnpm gateway rows|migrate|send|outbound`). They run
 * inside the gateway process because a PGlite directory may be open in one process only.
 */
export const LocalAdminRequest = z.discriminatedUnion('op', [
  z.object({
    op: z.literal('listInboundMessages'),
    tenantId: z.string().check(z.minLength(1)),
    limit: z.optional(z.int().check(z.positive(), z.maximum(10_000))),
  }),
  z.object({ op: z.literal('migrate'), tenantId: z.string().check(z.minLength(1)) }),
  z.object({
    op: z.literal('insertOutboundMessage'),
    tenantId: z.string().check(z.minLength(1)),
    /** null = the tenant's default channel. */
    channelId: z.nullable(z.string().check(z.minLength(1))),
    toId: z.string().check(z.minLength(1)),
    /** The row's `message` text, kept as given (a bad one is reported on the row by the gateway). */
    message: z.string(),
    notBefore: z.optional(z.iso.datetime()),
  }),
  z.object({
    op: z.literal('listOutboundMessages'),
    tenantId: z.string().check(z.minLength(1)),
    limit: z.optional(z.int().check(z.positive(), z.maximum(10_000))),
    afterId: z.optional(z.string().check(z.regex(/^\d+$/))),
  }),
  z.object({ op: z.literal('findOutboundMessage'), tenantId: z.string().check(z.minLength(1)), id: z.string().check(z.regex(/^\d+$/)) }),
]);
export type LocalAdminRequest = z.infer<typeof LocalAdminRequest>;

export type LocalAdminResponse = { ok: true; result: unknown } | { ok: false; error: { code: string; message: string } };

export interface LocalAdminDependencies {
  /** The credentials broker function (local mode's wrapped one), asked for the tenant's database. */
  broker: (event: unknown) => Promise<unknown>;
}

const tenantDatabase = async (deps: LocalAdminDependencies, tenantId: string): Promise<DatabaseSettingsV1> => {
  const response = BrokerResponseV1.parse(await deps.broker({ op: 'getTenantDatabase', tenantId }));
  if (!response.ok) throw Object.assign(new Error(response.error.message), { code: response.error.code });
  return DatabaseSettingsV1.parse(response.result);
};

const withStore = async <T>(settings: DatabaseSettingsV1, tenantId: string, use: (store: TenantStore) => Promise<T>): Promise<T> => {
  const store = await createTenantStore(settings, { tenantId });
  try {
    return await use(store);
  } finally {
    await store.close();
  }
};

const failure = (error: unknown): LocalAdminResponse => {
  const code = isGatewayError(error) ? error.code : typeof (error as { code?: unknown }).code === 'string' ? String((error as { code: string }).code) : 'ADMIN_FAILED';
  return { ok: false, error: { code, message: error instanceof Error ? error.message : String(error) } };
};

/** The `local-admin` function served by local mode's Lambda invoke endpoint. */
export const createLocalAdminFunction =
  (deps: LocalAdminDependencies) =>
  async (event: unknown): Promise<LocalAdminResponse> => {
    const parsed = LocalAdminRequest.safeParse(event);
    if (!parsed.success) return { ok: false, error: { code: 'ADMIN_REQUEST_INVALID', message: parsed.error.issues[0]?.message ?? 'invalid request' } };
    const request = parsed.data;
    try {
      const settings = await tenantDatabase(deps, request.tenantId);
      switch (request.op) {
        case 'migrate':
          return { ok: true, result: await migrateTenantDatabase(settings, { tenantId: request.tenantId }) };
        case 'listInboundMessages':
          return { ok: true, result: await withStore(settings, request.tenantId, (store) => store.listInboundMessages({ limit: request.limit ?? 100 })) };
        case 'insertOutboundMessage': {
          const { channelId, toId, message, notBefore } = request;
          const row = { channelId, toId, message, ...(notBefore === undefined ? {} : { notBefore: new Date(notBefore) }) };
          return { ok: true, result: { id: await withStore(settings, request.tenantId, (store) => store.insertOutboundMessage(row)) } };
        }
        case 'listOutboundMessages': {
          const options = { limit: request.limit ?? 100, ...(request.afterId === undefined ? {} : { afterId: request.afterId }) };
          return { ok: true, result: await withStore(settings, request.tenantId, (store) => store.listOutboundMessages(options)) };
        }
        case 'findOutboundMessage':
          return { ok: true, result: (await withStore(settings, request.tenantId, (store) => store.findOutboundMessage(request.id))) ?? null };
      }
    } catch (error) {
      return failure(error);
    }
  };
