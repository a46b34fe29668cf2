import { ConfigError } from '@wagw/core';
import { mssqlConfigFrom, mssqlConfigFromUrl } from '../../src/mssql-connection-config';

describe('mssqlConfigFromUrl', () => {
  it('reads server, port, credentials, database and TLS options from an mssql:// URL', () => {
    // Act
    const config = mssqlConfigFromUrl(
      'mssql://gateway%40corp:p%40ss%3Aword@sql.example.com:14330/tenant_a?encrypt=false&trustServerCertificate=true',
      { poolMax: 7 },
    );

    // Assert
    expect(config).toMatchObject({
      server: 'sql.example.com',
      port: 14330,
      user: 'gateway@corp',
      password: 'p@ss:word',
      database: 'tenant_a',
      options: { encrypt: false, trustServerCertificate: true },
      pool: { max: 7, min: 0 },
    });
  });

  it('encrypts and verifies the certificate by default, on port 1433', () => {
    expect(mssqlConfigFromUrl('mssql://u:p@host/db')).toMatchObject({
      port: 1433,
      options: { encrypt: true, trustServerCertificate: false },
    });
  });

  it('passes a named instance and timeouts through', () => {
    expect(mssqlConfigFromUrl('mssql://u:p@host/db?instanceName=SQLEXPRESS&connectTimeout=2500&requestTimeout=9000')).toMatchObject({
      connectionTimeout: 2500,
      requestTimeout: 9000,
      options: { instanceName: 'SQLEXPRESS' },
    });
  });

  it('keeps TDS 8.0 strict encryption and reads option names in any case', () => {
    expect(mssqlConfigFromUrl('mssql://u:p@host/db?Encrypt=strict&TrustServerCertificate=false')).toMatchObject({
      options: { encrypt: 'strict', trustServerCertificate: false },
    });
  });

  it.each([
    ['an encrypt value it does not know (never read as "off")', 'mssql://u:p@host/db?encrypt=on'],
    ['an unknown option', 'mssql://u:p@host/db?encrpyt=true'],
    ['no database (the login default, often master, would get the tables)', 'mssql://u:p@host'],
    ['a database path with more than one segment', 'mssql://u:p@host/db/x'],
    ['a malformed percent-encoded password', 'mssql://u:p%zz@host/db'],
    ['a timeout that is not a number', 'mssql://u:p@host/db?requestTimeout=soon'],
  ])('refuses %s with a ConfigError that does not echo the URL', (_case, url) => {
    const attempt = () => mssqlConfigFromUrl(url);
    expect(attempt).toThrow(ConfigError);
    expect(attempt).not.toThrow(/p%zz|:p@/);
  });

  it('rejects a URL of another scheme without echoing it', () => {
    const attempt = () => mssqlConfigFromUrl('postgres://u:secret@host/db');
    expect(attempt).toThrow(ConfigError);
    expect(attempt).not.toThrow(/secret/);
  });
});

describe('mssqlConfigFrom', () => {
  it('hands an ADO-style connection string to the driver parser and applies poolMax', () => {
    // Prepare
    const parseAdo = jest.fn(() => ({ server: 'host', database: 'db', pool: { max: 10 } }));

    // Act
    const config = mssqlConfigFrom('Server=host;Database=db;User Id=u;Password=p', parseAdo, { poolMax: 3 });

    // Assert
    expect(parseAdo).toHaveBeenCalledWith('Server=host;Database=db;User Id=u;Password=p');
    expect(config).toMatchObject({ server: 'host', database: 'db', pool: { max: 3 }, requestTimeout: 30_000, connectionTimeout: 15_000 });
  });

  it('turns a connection string the driver cannot parse into a ConfigError without its text', () => {
    const parseAdo = () => {
      throw new Error('Connection string terminated unexpectedly near Password=hunter2');
    };

    const attempt = () => mssqlConfigFrom('Server=host;Password=hunter2', parseAdo);

    expect(attempt).toThrow(ConfigError);
    expect(attempt).not.toThrow(/hunter2/);
  });
});
