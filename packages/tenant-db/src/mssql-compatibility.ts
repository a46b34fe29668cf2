import { ConfigError } from '@wagw/core';

/** OPENJSON, which the outbound statements use, exists from compatibility level 130 (SQL Server 2016). */
export const MINIMUM_COMPATIBILITY_LEVEL = 130;

export interface CompatibilityRow {
  compatibility_level: unknown;
  database_name: unknown;
}

/**
 * Refuses to migrate a database whose compatibility level is below 130, with the fix in the message:
 * its schema would be created, and then every outbound statement would fail. No row (the level could
 * not be read) lets the migration go on.
 */
export const assertOpenJsonAvailable = (row: CompatibilityRow | undefined): void => {
  if (row === undefined || row.compatibility_level === null || row.compatibility_level === undefined) return;
  const level = Number(row.compatibility_level);
  if (!Number.isFinite(level) || level >= MINIMUM_COMPATIBILITY_LEVEL) return;
  const name = String(row.database_name ?? 'the database');
  throw new ConfigError(
    `SQL Server database ${name} has compatibility level ${level}; the gateway needs ${MINIMUM_COMPATIBILITY_LEVEL} ` +
      `(SQL Server 2016) or later for OPENJSON. Raise it with ALTER DATABASE [${name}] SET COMPATIBILITY_LEVEL = ${MINIMUM_COMPATIBILITY_LEVEL} (or higher), then migrate again.`,
  );
};
