import { isAbsolute, resolve } from 'node:path';
import type { BrokerResponseV1, DatabaseSettingsV1 } from '@wagw/contracts';

/**
 * Local mode resolves a relative PGlite `dataDir` against the state directory (LOCAL_STATE_DIR,
 * default `.local/`), so the demo's `db/acme` is `.local/db/acme` wherever the process runs, and a
 * test with its own state directory gets its own databases. Absolute paths and `memory://` stay.
 */
export const resolvePgliteDataDir = (dataDir: string, stateDir: string): string =>
  dataDir.startsWith('memory://') || isAbsolute(dataDir) ? dataDir : resolve(stateDir, dataDir);

export const resolveDatabaseSettings = (settings: DatabaseSettingsV1, stateDir: string): DatabaseSettingsV1 =>
  settings.engine === 'pglite' ? { ...settings, dataDir: resolvePgliteDataDir(settings.dataDir, stateDir) } : settings;

const isPgliteSettings = (value: unknown): value is { engine: 'pglite'; dataDir: string } =>
  typeof value === 'object' &&
  value !== null &&
  (value as { engine?: unknown }).engine === 'pglite' &&
  typeof (value as { dataDir?: unknown }).dataDir === 'string';

/**
 * Wraps the real credentials broker so its getTenantDatabase answers carry resolved PGlite paths.
 * The broker itself serves the file as written (in AWS a relative path means nothing); only local
 * mode knows the state directory.
 */
export const withResolvedPglitePaths =
  (broker: (event: unknown) => Promise<BrokerResponseV1>, stateDir: string) =>
  async (event: unknown): Promise<BrokerResponseV1> => {
    const response = await broker(event);
    const op = typeof event === 'object' && event !== null ? (event as { op?: unknown }).op : undefined;
    if (op !== 'getTenantDatabase' || !response.ok || !isPgliteSettings(response.result)) return response;
    return { ok: true, result: { ...response.result, dataDir: resolvePgliteDataDir(response.result.dataDir, stateDir) } };
  };
