import { ConfigError } from '@wagw/core';
import { assertOpenJsonAvailable, MINIMUM_COMPATIBILITY_LEVEL } from '../../src/mssql-compatibility';

describe('SQL Server compatibility level check (before migrating)', () => {
  it('needs level 130 (SQL Server 2016), where OPENJSON starts', () => {
    expect(MINIMUM_COMPATIBILITY_LEVEL).toBe(130);
  });

  it.each([130, 140, 150, 160])('lets level %i migrate', (level) => {
    expect(() => assertOpenJsonAvailable({ compatibility_level: level, database_name: 'acme' })).not.toThrow();
  });

  it('refuses level 120 with a ConfigError that names the database, the level and the fix', () => {
    // Act
    let caught: unknown;
    try {
      assertOpenJsonAvailable({ compatibility_level: 120, database_name: 'acme' });
    } catch (error) {
      caught = error;
    }

    // Assert
    expect(caught).toBeInstanceOf(ConfigError);
    expect((caught as ConfigError).message).toContain('acme');
    expect((caught as ConfigError).message).toContain('compatibility level 120');
    expect((caught as ConfigError).message).toContain('ALTER DATABASE [acme] SET COMPATIBILITY_LEVEL = 130');
  });

  it('lets the migration go on when the level could not be read', () => {
    expect(() => assertOpenJsonAvailable(undefined)).not.toThrow();
    expect(() => assertOpenJsonAvailable({ compatibility_level: null, database_name: 'acme' })).not.toThrow();
  });
});
