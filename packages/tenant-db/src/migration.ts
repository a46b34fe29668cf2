/** One schema change: applied once per database, inside one transaction, recorded in wa_schema_migrations. */
export interface Migration {
  version: number;
  name: string;
  /** Executed in order; each is one batch (SQL Server) or one statement (PostgreSQL). */
  statements: readonly string[];
}

export interface MigrationResult {
  /** Versions applied by this run, ascending; empty when the database was already current. */
  applied: number[];
  /** The newest version the database now has. */
  latest: number;
}

export const latestVersion = (migrations: readonly Migration[]): number =>
  migrations.reduce((latest, migration) => Math.max(latest, migration.version), 0);

/**
 * Applies each migration through `applyOnce`, which runs it in its own transaction under a lock and
 * answers whether it applied it (false: some run, perhaps a concurrent one, already had).
 */
export const runMigrations = async (
  migrations: readonly Migration[],
  applyOnce: (migration: Migration) => Promise<boolean>,
): Promise<MigrationResult> => {
  const applied: number[] = [];
  for (const migration of [...migrations].sort((a, b) => a.version - b.version)) {
    if (await applyOnce(migration)) applied.push(migration.version);
  }
  return { applied, latest: latestVersion(migrations) };
};
