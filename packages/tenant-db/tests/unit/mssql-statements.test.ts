import { OUTBOUND_STATUS_RANK } from '@wagw/contracts';
import { mssqlMigrations, mssqlStatements } from '../../src/sql/mssql';
import { postgresMigrations, postgresStatements } from '../../src/sql/postgres';

/**
 * @names a batch uses that are not its own DECLAREd variables, @@ system functions or named
 * arguments of a procedure call (`EXEC sp_getapplock @Resource = …`).
 */
const referencedParams = (text: string): string[] => {
  const declared = new Set([...text.matchAll(/DECLARE\s+@(\w+)/gi)].map((match) => match[1]));
  const used = [...text.matchAll(/(?<!@)@(\w+)(?!\w|\s*=)/g)].map((match) => match[1] as string);
  return [...new Set(used.filter((name) => !declared.has(name)))].sort();
};

describe('SQL Server statements', () => {
  it.each(Object.entries(mssqlStatements))('%s declares exactly the parameters it uses', (_name, statement) => {
    expect(referencedParams(statement.text)).toEqual(Object.keys(statement.params).sort());
  });

  it('declares every insert column as a parameter, in the same order as the column list', () => {
    const text = mssqlStatements.insertInboundMessage.text;
    const columns = /INSERT INTO wa_inbound_messages \(([^)]*)\)/.exec(text)?.[1]?.split(',').map((column) => column.trim());
    const values = /SELECT (@provider[^\n]*\n[^\n]*)/.exec(text)?.[1]?.split(',').map((value) => value.trim().replace(/^@/, ''));
    expect(values).toEqual(columns);
  });
});

describe('SQL Server outbound statements', () => {
  it('leases the oldest due rows: TOP … ORDER BY id under UPDLOCK, READPAST, ROWLOCK in a CTE, updated through it', () => {
    const text = mssqlStatements.leaseDueMessages.text;
    const cte = /WITH due AS \(([\s\S]*?)\n\)/.exec(text)?.[1] ?? '';
    expect(cte).toMatch(/SELECT TOP \(@limit\)/);
    expect(cte).toMatch(/FROM wa_outbound_messages WITH \(UPDLOCK, READPAST, ROWLOCK\)/);
    expect(cte).toMatch(/ORDER BY id$/);
    expect(text).toMatch(/UPDATE due\s+SET reserved_until = @reserved_until, attempts = attempts \+ 1/);
    expect(text).toMatch(/OUTPUT inserted\.id[\s\S]*\nINTO @leased/);
  });

  it.each(['markQueued', 'releaseLeases'] as const)('%s reads its rows from OPENJSON with a typed WITH clause', (name) => {
    expect(mssqlStatements[name].text).toContain("OPENJSON(@refs) WITH (id BIGINT '$.id', attempt INT '$.attempt')");
    expect(mssqlStatements[name].text).toContain('m.attempts = held.attempt');
  });

  it('records a status event once, under a range lock, taking a unique violation as already there', () => {
    const text = mssqlStatements.recordStatusEvent.text;
    expect(text).toMatch(/WHERE NOT EXISTS \(\s*SELECT 1 FROM wa_status_events WITH \(UPDLOCK, HOLDLOCK\)/);
    expect(text).toContain('IF ERROR_NUMBER() NOT IN (2601, 2627) THROW;');
  });

  it('declares every status event column as a parameter, in the same order as the column list', () => {
    const text = mssqlStatements.recordStatusEvent.text;
    const columns = /INSERT INTO wa_status_events \(([^)]*)\)/.exec(text)?.[1]?.split(',').map((column) => column.trim());
    const values = /SELECT (@provider[^\n]*\n[^\n]*)/.exec(text)?.[1]?.split(',').map((value) => value.trim().replace(/^@/, ''));
    expect(values).toEqual(columns);
  });
});

describe('outbound statements in both dialects', () => {
  const texts = (dialect: 'postgres' | 'mssql'): [string, string][] =>
    dialect === 'postgres'
      ? Object.entries(postgresStatements)
      : Object.entries(mssqlStatements).map(([name, statement]): [string, string] => [name, statement.text]);

  it.each(['postgres', 'mssql'] as const)('%s: never reads the database clock (every time is a parameter)', (dialect) => {
    const clocks = /\bnow\(\)|CURRENT_TIMESTAMP|SYSUTCDATETIME|SYSDATETIME|GETDATE|GETUTCDATE|clock_timestamp|statement_timestamp/i;
    for (const [name, text] of texts(dialect)) {
      // The migration ledger's applied_at is the database's own record, not a gateway time.
      if (name !== 'createMigrationsTable') expect({ name, usesClock: clocks.test(text) }).toEqual({ name, usesClock: false });
    }
  });

  it.each(['postgres', 'mssql'] as const)('%s: ranks statuses in applyReceipt exactly as OUTBOUND_STATUS_RANK', (dialect) => {
    const text = dialect === 'postgres' ? postgresStatements.applyReceipt : mssqlStatements.applyReceipt.text;
    const ranks = Object.fromEntries([...text.matchAll(/WHEN N?'(\w+)' THEN (\d+)/g)].map((match) => [match[1], Number(match[2])]));
    expect(ranks).toEqual(OUTBOUND_STATUS_RANK);
  });

  it('give both dialects the same named outbound statements', () => {
    const outbound = (names: string[]) => names.filter((name) => !/Inbound|Media|Migration/.test(name)).sort();
    expect(outbound(Object.keys(mssqlStatements))).toEqual(outbound(Object.keys(postgresStatements)).filter((name) => name !== 'selectOutboundByProviderMessage'));
  });
});

describe('migrations', () => {
  it('number both dialects alike, so a tenant can move between them', () => {
    expect(mssqlMigrations.map((migration) => [migration.version, migration.name])).toEqual(
      postgresMigrations.map((migration) => [migration.version, migration.name]),
    );
  });

  it('give both dialects the same columns in every contract table', () => {
    const columnsOf = (ddl: string, table: string): string[] => {
      const body = new RegExp(`CREATE TABLE ${table} \\(([\\s\\S]*?)\\n\\)`).exec(ddl)?.[1] ?? '';
      const created = body
        .split('\n')
        .map((line) => /^\s{2}([a-z_]+)\s+[A-Za-z]/.exec(line)?.[1])
        .filter((name): name is string => name !== undefined && name !== 'CONSTRAINT');
      const added = [...ddl.matchAll(new RegExp(`ALTER TABLE ${table}\\s+ADD\\s+(?:COLUMN\\s+)?([a-z_]+)\\s`, 'g'))].map((match) => match[1] as string);
      return [...created, ...added].sort();
    };
    const pgDdl = postgresMigrations.flatMap((migration) => migration.statements).join('\n');
    const msDdl = mssqlMigrations.flatMap((migration) => migration.statements).join('\n');
    expect(columnsOf(pgDdl, 'wa_status_events')).toContain('outbound_message_id');
    for (const table of ['wa_inbound_messages', 'wa_outbound_messages', 'wa_status_events']) {
      const pgColumns = columnsOf(pgDdl, table);
      expect(pgColumns.length).toBeGreaterThan(8);
      expect(columnsOf(msDdl, table)).toEqual(pgColumns);
    }
  });

  it('comment every added column in both dialects', () => {
    const alters = [...postgresMigrations, ...mssqlMigrations].flatMap((migration) => migration.statements).filter((s) => s.startsWith('ALTER TABLE'));
    expect(alters.length).toBeGreaterThan(0);
    for (const statement of alters) expect(statement).toMatch(/ADD[\s\S]*--\s*\S/);
  });

  it('comment every column in both dialects', () => {
    const ddl = [...postgresMigrations, ...mssqlMigrations].flatMap((migration) => migration.statements).filter((s) => s.startsWith('CREATE TABLE'));
    for (const statement of ddl) {
      const columnLines = statement.split('\n').filter((line) => /^\s{2}[a-z_]+\s+[A-Za-z]/.test(line));
      for (const line of columnLines) expect(line).toMatch(/--\s*\S/);
    }
  });
});
