import { TenantDatabaseUnavailableError } from '@wagw/core';
import { TenantRowInvalidError } from '../../src/errors';
import { isMssqlUnavailable, isPostgresUnavailable, unavailableOr } from '../../src/unavailable-errors';

const withFields = (message: string, fields: Record<string, unknown>): Error => Object.assign(new Error(message), fields);

describe('isPostgresUnavailable', () => {
  it.each([
    ['a refused connection', withFields('connect ECONNREFUSED 127.0.0.1:5432', { code: 'ECONNREFUSED' })],
    ['a refused connection on every address', new AggregateError([withFields('refused', { code: 'ECONNREFUSED' })], 'all failed')],
    ['an unknown host', withFields('getaddrinfo ENOTFOUND db', { code: 'ENOTFOUND' })],
    ['a server starting up', withFields('the database system is starting up', { code: '57P03' })],
    ['a server shutting down', withFields('terminating connection due to administrator command', { code: '57P01' })],
    ['too many connections', withFields('sorry, too many clients already', { code: '53300' })],
    ['a connection exception', withFields('connection failure', { code: '08006' })],
    ['a pool connect timeout', new Error('timeout exceeded when trying to connect')],
    ['a dropped connection', new Error('Connection terminated unexpectedly')],
    ['a client connect timeout', new Error('Connection terminated due to connection timeout')],
    ['a server that stopped answering (query_timeout)', new Error('Query read timeout')],
    ['a statement cancelled by statement_timeout', withFields('canceling statement due to statement timeout', { code: '57014' })],
    ['a wrapped socket error', new Error('query failed', { cause: withFields('reset', { code: 'ECONNRESET' }) })],
  ])('treats %s as unavailable', (_case, error) => {
    expect(isPostgresUnavailable(error)).toBe(true);
  });

  it.each([
    ['a unique violation', withFields('duplicate key value', { code: '23505' })],
    ['a syntax error', withFields('syntax error at or near', { code: '42601' })],
    ['a wrong password', withFields('password authentication failed', { code: '28P01' })],
    ['a plain bug', new TypeError('x is undefined')],
    ['a non-error', 'boom'],
  ])('lets %s propagate', (_case, error) => {
    expect(isPostgresUnavailable(error)).toBe(false);
  });
});

describe('isMssqlUnavailable', () => {
  it.each([
    ['a socket failure', withFields('Failed to connect', { code: 'ESOCKET' })],
    ['a connect or request timeout', withFields('Timeout', { code: 'ETIMEOUT' })],
    ['a closed connection', withFields('Connection is closed.', { code: 'ECONNCLOSED' })],
    ['a database that is not available (Azure 40613)', withFields('Database is not currently available', { number: 40613 })],
    ['a login tedious knows to be transient (4060, 40613: it carries no number)', withFields('Cannot open database', { code: 'ELOGIN', isTransient: true })],
    ['a serverless pool that is warming up (42109)', withFields('The SQL pool is warming up', { code: 'EREQUEST', number: 42109 })],
    ['a wrapped driver error', withFields('request failed', { originalError: withFields('reset', { code: 'ECONNRESET' }) })],
  ])('treats %s as unavailable', (_case, error) => {
    expect(isMssqlUnavailable(error)).toBe(true);
  });

  it.each([
    ['a unique violation', withFields('Violation of UNIQUE KEY constraint', { code: 'EREQUEST', number: 2627 })],
    ['a failed login', withFields('Login failed for user', { code: 'ELOGIN', number: 18456 })],
    ['a deadlock', withFields('deadlock victim', { code: 'EREQUEST', number: 1205 })],
  ])('lets %s propagate', (_case, error) => {
    expect(isMssqlUnavailable(error)).toBe(false);
  });
});

describe('unavailableOr', () => {
  it('wraps an unavailable database as a retryable TenantDatabaseUnavailableError naming the tenant', () => {
    // Prepare
    const cause = withFields('connect ECONNREFUSED', { code: 'ECONNREFUSED' });

    // Act
    const thrown = (() => {
      try {
        return unavailableOr('tenant-a', isPostgresUnavailable)(cause);
      } catch (error) {
        return error;
      }
    })();

    // Assert
    expect(thrown).toBeInstanceOf(TenantDatabaseUnavailableError);
    expect(thrown).toMatchObject({ code: 'TENANT_DB_UNAVAILABLE', retryable: true, cause });
    expect((thrown as Error).message).toContain('tenant-a');
  });

  it('rethrows other errors unchanged, gateway errors included', () => {
    const bug = new TypeError('bug');
    const invalid = new TenantRowInvalidError('too long');
    expect(() => unavailableOr('t', isPostgresUnavailable)(bug)).toThrow(bug);
    expect(() => unavailableOr('t', () => true)(invalid)).toThrow(invalid);
  });
});
