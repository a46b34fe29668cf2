import { mssqlMigrations, mssqlStatements } from '../../src/sql/mssql';
import { postgresMigrations } from '../../src/sql/postgres';

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

describe('migrations', () => {
  it('number both dialects alike, so a tenant can move between them', () => {
    expect(mssqlMigrations.map((migration) => [migration.version, migration.name])).toEqual(
      postgresMigrations.map((migration) => [migration.version, migration.name]),
    );
  });

  it('give both dialects the same columns in every contract table', () => {
    const columnsOf = (ddl: string, table: string): string[] => {
      const body = new RegExp(`CREATE TABLE ${table} \\(([\\s\\S]*?)\\n\\)`).exec(ddl)?.[1] ?? '';
      return body
        .split('\n')
        .map((line) => /^\s{2}([a-z_]+)\s+[A-Za-z]/.exec(line)?.[1])
        .filter((name): name is string => name !== undefined && name !== 'CONSTRAINT')
        .sort();
    };
    const pgDdl = postgresMigrations.flatMap((migration) => migration.statements).join('\n');
    const msDdl = mssqlMigrations.flatMap((migration) => migration.statements).join('\n');
    for (const table of ['wa_inbound_messages', 'wa_outbound_messages', 'wa_status_events']) {
      const pgColumns = columnsOf(pgDdl, table);
      expect(pgColumns.length).toBeGreaterThan(8);
      expect(columnsOf(msDdl, table)).toEqual(pgColumns);
    }
  });

  it('comment every column in both dialects', () => {
    const ddl = [...postgresMigrations, ...mssqlMigrations].flatMap((migration) => migration.statements).filter((s) => s.startsWith('CREATE TABLE'));
    for (const statement of ddl) {
      const columnLines = statement.split('\n').filter((line) => /^\s{2}[a-z_]+\s+[A-Za-z]/.test(line));
      for (const line of columnLines) expect(line).toMatch(/--\s*\S/);
    }
  });
});
