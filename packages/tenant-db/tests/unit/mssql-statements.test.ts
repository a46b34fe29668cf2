import { OUTBOUND_STATUS_RANK, outboundStatusForReceipt } from '@wagw/contracts';
import { LISTED_STATUS_EVENTS_LIMIT, ROW_STATUS_EVENT_STATUSES } from '../../src/outbound-row-codec';
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
    expect(cte).toMatch(/FROM wa_outbound_messages AS m WITH \(UPDLOCK, READPAST, ROWLOCK\)/);
    expect(cte).toMatch(/ORDER BY m\.id$/);
    expect(text).toMatch(/UPDATE due\s+SET reserved_until = @reserved_until, attempts = attempts \+ 1/);
    expect(text).toMatch(/OUTPUT inserted\.id[\s\S]*\nINTO @leased/);
  });

  it('serialises leases under an applock in a transaction that any error rolls back, and commits before answering', () => {
    const text = mssqlStatements.leaseDueMessages.text;
    const order = ['SET XACT_ABORT ON;', 'BEGIN TRANSACTION;', 'EXEC @lock_result = sp_getapplock', "@LockOwner = N'Transaction'", 'IF @lock_result < 0 THROW', 'WITH due AS', 'COMMIT TRANSACTION;', 'FROM @leased ORDER BY id;'];
    const positions = order.map((fragment) => text.indexOf(fragment));
    expect(positions.every((position) => position >= 0)).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
  });

  it('checks the compatibility level of the database it is connected to', () => {
    const text = mssqlStatements.selectCompatibilityLevel.text;
    expect(text).toContain('compatibility_level');
    expect(text).toMatch(/FROM sys\.databases WHERE database_id = DB_ID\(\)/);
  });

  it('names the outbound row on a recorded event that had none, only after a duplicate and never over another', () => {
    const text = mssqlStatements.recordStatusEvent.text;
    const fill = /END CATCH;\s*(IF [\s\S]*?;)\s*SELECT CAST/.exec(text)?.[1] ?? '';
    expect(fill.replace(/\s+/g, ' ')).toBe(
      'IF @outbound_message_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM @new_ids) ' +
        'UPDATE wa_status_events SET outbound_message_id = @outbound_message_id ' +
        'WHERE provider = @provider AND provider_message_id = @provider_message_id AND status = @status AND outbound_message_id IS NULL;',
    );
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

  const textOf = (dialect: 'postgres' | 'mssql', name: keyof typeof postgresStatements & keyof typeof mssqlStatements): string =>
    dialect === 'postgres' ? postgresStatements[name] : mssqlStatements[name].text;

  /** Parameters and N'' literals differ between the dialects; the condition must not. */
  const normalized = (condition: string): string =>
    condition
      .replace(/\$\d+::\w+|@\w+/g, '?')
      .replace(/N'/g, "'")
      .replace(/\s+/g, ' ')
      .trim();

  /** The WHERE of an UPDATE (up to the end of the statement). */
  const updateWhere = (text: string): string => normalized(/\bWHERE ([\s\S]*?)(;|$)/.exec(text)?.[1] ?? '');

  it.each(['postgres', 'mssql'] as const)(
    '%s: claims a row for a receipt only without a wamid, on its provider and channel, waiting or failed for lack of an answer — any attempt',
    (dialect) => {
      expect(updateWhere(textOf(dialect, 'claimSentMessage'))).toBe(
        'id = ? AND provider_message_id IS NULL AND (provider IS NULL OR provider = ?) ' +
          "AND (channel_id IS NULL OR channel_id = ?) AND (status IN ('pending', 'queued') OR (status = 'failed' AND error_code IN (?, ?)))",
      );
    },
  );

  it.each(['postgres', 'mssql'] as const)(
    '%s: applies an acceptance to a row without a wamid, waiting or failed for lack of an answer — any attempt (acceptance is proof)',
    (dialect) => {
      expect(updateWhere(textOf(dialect, 'applySendResultSent'))).toBe(
        "id = ? AND provider_message_id IS NULL AND (status IN ('pending', 'queued') OR (status = 'failed' AND error_code IN (?, ?)))",
      );
    },
  );

  it.each(['postgres', 'mssql'] as const)('%s: applies a failure only under the attempt that holds the row, while it waits', (dialect) => {
    expect(updateWhere(textOf(dialect, 'applySendResultFailed'))).toBe("id = ? AND attempts = ? AND status IN ('pending', 'queued')");
  });

  it.each(['postgres', 'mssql'] as const)('%s: reaps only queued rows whose lease ended before expiredBefore, not before now', (dialect) => {
    const text = textOf(dialect, 'reapExpiredLeases');
    const where = normalized(/WHERE (status = N?'queued' AND reserved_until < [^\n;]*)/.exec(text)?.[1] ?? '');
    expect(where).toBe("status = 'queued' AND reserved_until < ?");
    expect(text).toMatch(dialect === 'postgres' ? /reserved_until < \$5::timestamptz/ : /reserved_until < @expired_before/);
    expect(text).toMatch(dialect === 'postgres' ? /failed_at = CASE [^\n]*\$1::timestamptz/ : /failed_at = CASE [^\n]*@now/);
  });

  it('hold a row back in both dialects alike while an older row of its conversation is in flight', () => {
    const conversationCheck = (text: string): string => normalized(/AND NOT EXISTS \(([\s\S]*?)\n\s*\)\n/.exec(text)?.[1] ?? '').replace(/\b[cm]\./g, 'row.');
    const postgres = conversationCheck(postgresStatements.leaseDueMessages);
    expect(postgres).toBe(
      'SELECT 1 FROM wa_outbound_messages AS older WHERE older.to_id = row.to_id ' +
        "AND COALESCE(older.channel_id, '') = COALESCE(row.channel_id, '') AND older.id < row.id " +
        "AND (older.status = 'queued' OR (older.status = 'pending' AND older.reserved_until >= ?))",
    );
    expect(conversationCheck(mssqlStatements.leaseDueMessages.text)).toBe(postgres);
  });

  it.each(['postgres', 'mssql'] as const)('%s: reads back a bounded number of events, only of statuses that move a row', (dialect) => {
    const text = textOf(dialect, 'listStatusEvents');
    const listed = [.../status IN \(([^)]*)\)/.exec(text)?.[1]?.matchAll(/'(\w+)'/g) ?? []].map((match) => match[1]);
    expect(listed).toEqual([...ROW_STATUS_EVENT_STATUSES]);
    expect(text).toMatch(dialect === 'postgres' ? new RegExp(`LIMIT ${LISTED_STATUS_EVENTS_LIMIT}$`) : new RegExp(`SELECT TOP \\(${LISTED_STATUS_EVENTS_LIMIT}\\)`));
    expect(LISTED_STATUS_EVENTS_LIMIT).toBe(50);
  });

  it('lists exactly the event statuses that give a row status', () => {
    for (const status of ROW_STATUS_EVENT_STATUSES) expect({ status, row: outboundStatusForReceipt(status) }).toEqual({ status, row: expect.any(String) });
    for (const status of ['pending', 'deleted', 'unknown', 'queued']) expect({ status, row: outboundStatusForReceipt(status) }).toEqual({ status, row: undefined });
  });

  it('give both dialects the same named outbound statements', () => {
    // Each dialect has a statement of its own: PostgreSQL's lease lock and receipt read, SQL Server's compatibility check.
    const own = new Set(['selectOutboundByProviderMessage', 'lockLeases', 'selectCompatibilityLevel']);
    const outbound = (names: string[]) => names.filter((name) => !/Inbound|Media|Migration/.test(name) && !own.has(name)).sort();
    expect(outbound(Object.keys(mssqlStatements))).toEqual(outbound(Object.keys(postgresStatements)));
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

  it('index the conversation check alike in both dialects, and keep the SQL Server indexes unfiltered (tenants insert with any SET options)', () => {
    const indexes = (migrations: readonly { statements: readonly string[] }[]) =>
      migrations.flatMap((migration) => migration.statements).filter((statement) => statement.startsWith('CREATE INDEX'));
    const keyOf = (statements: string[], name: string) => new RegExp(`CREATE INDEX ${name} ON wa_outbound_messages \\(([^)]*)\\)`).exec(statements.join('\n'))?.[1];
    const pg = indexes(postgresMigrations);
    const ms = indexes(mssqlMigrations);
    expect(keyOf(pg, 'wa_outbound_messages_conversation_ix')).toBe('to_id, status, id');
    expect(keyOf(ms, 'wa_outbound_messages_conversation_ix')).toBe('to_id, status, id');
    expect(ms.join('\n')).toMatch(/wa_outbound_messages_due_ix ON wa_outbound_messages \(status, id\)\s+INCLUDE \(not_before, reserved_until, to_id, channel_id\)/);
    for (const statement of ms) expect(statement).not.toMatch(/\)\s*WHERE /);
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
