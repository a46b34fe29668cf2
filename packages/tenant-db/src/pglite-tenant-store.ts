import type { DatabaseSettingsV1 } from '@wagw/contracts';
import type { PGlite, Results } from '@electric-sql/pglite';
import { acquirePglite, type PgliteHandle } from './pglite-instances';
import { PostgresDialectStore, type PgExecutor, type PgQueryResult, type PgSession } from './postgres-dialect-store';
import type { TenantStoreOptions } from './tenant-store';
import { unavailableOr } from './unavailable-errors';

/** A data directory that cannot be read or written (missing mount, permissions, disk full…). */
const DATA_DIR_ERRORS = new Set(['ENOENT', 'ENOTDIR', 'EISDIR', 'EACCES', 'EPERM', 'EROFS', 'ENOSPC', 'EIO', 'EBUSY', 'EMFILE', 'ENFILE']);

const isDataDirUnavailable = (error: unknown): boolean =>
  typeof (error as { code?: unknown } | null)?.code === 'string' && DATA_DIR_ERRORS.has((error as { code: string }).code);

export type PgliteSettings = Extract<DatabaseSettingsV1, { engine: 'pglite' }>;

const toResult = <R>(result: Results<R>): PgQueryResult<R> => ({
  rows: result.rows,
  rowCount: result.affectedRows ?? result.rows.length,
});

class PgliteExecutor implements PgExecutor {
  private readonly db: PGlite;

  constructor(private readonly handle: PgliteHandle) {
    this.db = handle.db;
  }

  async query<R>(text: string, params: readonly unknown[] = []): Promise<PgQueryResult<R>> {
    return toResult(await this.db.query<R>(text, [...params]));
  }

  transaction<T>(work: (session: PgSession) => Promise<T>): Promise<T> {
    return this.db.transaction((tx) =>
      work({ query: async <R>(text: string, params: readonly unknown[] = []) => toResult(await tx.query<R>(text, [...params])) }),
    );
  }

  end(): Promise<void> {
    return this.handle.release();
  }
}

/**
 * A tenant database embedded in this process (PGlite): a data directory, or `memory://` for tests.
 * PGlite runs one statement at a time; concurrent callers queue.
 */
export class PgliteTenantStore extends PostgresDialectStore {
  private constructor(handle: PgliteHandle, tenantId: string) {
    super('pglite', new PgliteExecutor(handle), tenantId);
  }

  /** Opens (or joins, for a directory this process already has open) the embedded database. */
  static async open(settings: PgliteSettings, options: TenantStoreOptions = {}): Promise<PgliteTenantStore> {
    const tenantId = options.tenantId ?? 'unknown';
    const handle = await acquirePglite(settings.dataDir).catch(unavailableOr(tenantId, isDataDirUnavailable));
    return new PgliteTenantStore(handle, tenantId);
  }
}
