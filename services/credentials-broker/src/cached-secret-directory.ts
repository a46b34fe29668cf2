import type { Clock } from '@wagw/core/ports';
import { systemClock } from '@wagw/core/ports';
import { CredentialsUnavailableError, isGatewayError } from '@wagw/core/errors';
import { SecretDirectory } from './secret-directory';
import type { SecretStore } from './secret-store';

/** Gives the current directory of records. */
export interface SecretDirectorySource {
  current(): Promise<SecretDirectory>;
}

export interface CachedSecretDirectoryOptions {
  /** How long a loaded directory is served before the store is read again. 0 = every request. */
  ttlMs: number;
  clock?: Clock;
  /** Called once per load with the fresh directory (the broker logs its problems here). */
  onLoad?: (directory: SecretDirectory) => void;
}

interface Snapshot {
  directory: SecretDirectory;
  loadedAt: number;
  revision: string | undefined;
}

/**
 * The broker's cache: one load of the store serves every request for `ttlMs`. Concurrent misses share
 * one load. A store with a cheap `revision()` (the local file) is reloaded as soon as it changes.
 * A failed load is never cached.
 */
export class CachedSecretDirectory implements SecretDirectorySource {
  private snapshot: Snapshot | undefined;
  private loading: Promise<Snapshot> | undefined;
  private readonly clock: Clock;

  constructor(
    private readonly store: SecretStore,
    private readonly options: CachedSecretDirectoryOptions,
  ) {
    this.clock = options.clock ?? systemClock;
  }

  async current(): Promise<SecretDirectory> {
    const snapshot = this.snapshot;
    if (snapshot !== undefined && this.clock.now().getTime() - snapshot.loadedAt < this.options.ttlMs) {
      // A revision that cannot be read forces a reload, which reports the store's state properly.
      const revision = await this.revision().catch(() => Symbol('unreadable'));
      if (revision === snapshot.revision) return snapshot.directory;
    }
    return (await this.reload()).directory;
  }

  /** Drops the cached directory; the next request reads the store. */
  invalidate(): void {
    this.snapshot = undefined;
  }

  private reload(): Promise<Snapshot> {
    this.loading ??= this.load().finally(() => {
      this.loading = undefined;
    });
    return this.loading;
  }

  private async load(): Promise<Snapshot> {
    const loadedAt = this.clock.now().getTime();
    try {
      const revision = await this.revision();
      const { records } = await this.store.load();
      const directory = new SecretDirectory(records);
      this.snapshot = { directory, loadedAt, revision };
      this.options.onLoad?.(directory);
      return this.snapshot;
    } catch (error) {
      throw isGatewayError(error) ? error : new CredentialsUnavailableError('the secret store could not be read', error);
    }
  }

  private async revision(): Promise<string | undefined> {
    return this.store.revision === undefined ? undefined : this.store.revision();
  }
}
