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
    expect(config).toMatchObject({ server: 'host', database: 'db', pool: { max: 3 } });
  });
});
