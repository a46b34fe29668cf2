import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import { PGlite } from '@electric-sql/pglite';

export interface PgliteHandle {
  db: PGlite;
  /** Closes the instance once its last user released it. */
  release(): Promise<void>;
}

interface Shared {
  db: Promise<PGlite>;
  users: number;
}

/**
 * One PGlite instance per data directory in this process: two instances on one directory would
 * corrupt it, and local mode runs several services (each with its own pools) in one process.
 * `memory://` databases are never shared: each open is a new empty database.
 */
const shared = new Map<string, Shared>();

const isInMemory = (dataDir: string): boolean => dataDir.startsWith('memory://');

const openPglite = async (dataDir: string): Promise<PGlite> => {
  if (isInMemory(dataDir)) return PGlite.create(dataDir);
  await mkdir(dataDir, { recursive: true });
  return PGlite.create(dataDir);
};

export const acquirePglite = async (dataDir: string): Promise<PgliteHandle> => {
  if (isInMemory(dataDir)) {
    const db = await openPglite(dataDir);
    return { db, release: () => db.close() };
  }
  const path = resolve(dataDir);
  let entry = shared.get(path);
  if (entry === undefined) {
    entry = { db: openPglite(path), users: 0 };
    shared.set(path, entry);
  }
  const current = entry;
  current.users += 1;
  let db: PGlite;
  try {
    db = await current.db;
  } catch (error) {
    current.users -= 1;
    if (shared.get(path) === current) shared.delete(path);
    throw error;
  }
  let released = false;
  return {
    db,
    release: async () => {
      if (released) return;
      released = true;
      current.users -= 1;
      if (current.users > 0) return;
      if (shared.get(path) === current) shared.delete(path);
      await db.close();
    },
  };
};
