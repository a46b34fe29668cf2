export * from './tenant-store';
export * from './migration';
export * from './errors';
export * from './create-tenant-store';
export * from './migrate-tenant-database';
export * from './pooled-tenant-stores';
export type { PostgresSettings } from './postgres-tenant-store';
export type { PgliteSettings } from './pglite-tenant-store';
export type { MssqlSettings } from './mssql-tenant-store';
