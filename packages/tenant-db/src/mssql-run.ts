import { setTimeout as sleep } from 'node:timers/promises';
import * as mssql from 'mssql';
import type { MssqlParamType, MssqlStatement } from './sql/mssql';

/** Runs one named statement with its declared parameter types. */
export type MssqlRun = <P extends string, R = Record<string, unknown>>(
  statement: MssqlStatement<P>,
  values: Record<P, unknown>,
) => Promise<mssql.IResult<R>>;

const DEADLOCK_VICTIM = 1205;
const DEADLOCK_TRIES = 3;

const sqlType = (type: MssqlParamType): mssql.ISqlType | (() => mssql.ISqlType) => {
  switch (type.kind) {
    case 'nvarchar':
      return mssql.NVarChar(type.length);
    case 'nvarchar-max':
      return mssql.NVarChar(mssql.MAX);
    case 'datetime2':
      return mssql.DateTime2(3);
    case 'bigint':
      return mssql.BigInt;
    case 'int':
      return mssql.Int;
  }
};

export const runStatement = <P extends string, R = Record<string, unknown>>(
  on: mssql.ConnectionPool | mssql.Transaction,
  statement: MssqlStatement<P>,
  values: Record<P, unknown>,
): Promise<mssql.IResult<R>> => {
  const request = on instanceof mssql.Transaction ? new mssql.Request(on) : new mssql.Request(on);
  for (const name of Object.keys(statement.params) as P[]) {
    request.input(name, sqlType(statement.params[name]), values[name]);
  }
  return request.query<R>(statement.text);
};

const isDeadlockVictim = (error: unknown): boolean =>
  error instanceof mssql.RequestError &&
  (error.number === DEADLOCK_VICTIM || (error.originalError as { number?: number } | undefined)?.number === DEADLOCK_VICTIM);

/** A deadlock victim is rolled back whole: run it again after a short random pause, a few times. */
export const retryDeadlocks = async <T>(attempt: () => Promise<T>): Promise<T> => {
  for (let tried = 1; ; tried += 1) {
    try {
      return await attempt();
    } catch (error) {
      if (tried >= DEADLOCK_TRIES || !isDeadlockVictim(error)) throw error;
      await sleep(10 + Math.random() * 40 * tried);
    }
  }
};

/** The statement's own answer is its last result set: a tenant's trigger may return rows of its own first. */
export const lastRow = <R>(result: mssql.IResult<R>): R | undefined => result.recordsets.at(-1)?.[0];

/** Every row of the last result set. */
export const lastRows = <R>(result: mssql.IResult<R>): R[] => result.recordsets.at(-1) ?? [];
