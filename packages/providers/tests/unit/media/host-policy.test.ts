import { MediaFetchError } from '@wagw/core/errors';
import { META_MEDIA_HOST_SUFFIXES, createHostPolicy } from '../../../src/media/host-policy';

const policy = (exactHosts: string[]) => createHostPolicy({ exactHosts, domainSuffixes: META_MEDIA_HOST_SUFFIXES });

const forbidden = (act: () => void): MediaFetchError => {
  try {
    act();
  } catch (error) {
    if (error instanceof MediaFetchError) return error;
    throw error;
  }
  throw new Error('expected a MediaFetchError');
};

describe('host policy', () => {
  it('refuses an allow-listed name that resolves to a private address', () => {
    // Prepare: e.g. MEDIA_ALLOWED_HOSTS or a graphBaseUrl host whose DNS points into the VPC
    const allowed = policy(['graph.facebook.com', 'media.partner.example']);

    // Act
    const errors = [
      forbidden(() => allowed.assertAddressAllowed('media.partner.example', '10.0.0.5')),
      forbidden(() => allowed.assertAddressAllowed('graph.facebook.com', '169.254.169.254')),
    ];

    // Assert
    expect(errors.map((error) => error.code)).toEqual(['MEDIA_HOST_FORBIDDEN', 'MEDIA_HOST_FORBIDDEN']);
  });

  it('refuses a private IP literal even when it is allow-listed exactly', () => {
    const error = forbidden(() => policy(['10.0.0.5']).assertUrlAllowed(new URL('https://10.0.0.5/media/1')));

    expect(error.code).toBe('MEDIA_HOST_FORBIDDEN');
    expect(error.message).toContain('private address');
  });

  it('lets the local sandbox hosts through when they are allow-listed exactly, and only then', () => {
    // Prepare
    const local = policy(['127.0.0.1', 'localhost']);

    // Act
    const allowed = () => {
      local.assertUrlAllowed(new URL('http://127.0.0.1:4010/v24.0/500000000000001'));
      local.assertUrlAllowed(new URL('http://localhost:4010/media/1'));
      local.assertAddressAllowed('localhost', '127.0.0.1');
      local.assertAddressAllowed('127.0.0.1', '127.0.0.1');
    };
    const notListed = forbidden(() => policy(['graph.facebook.com']).assertAddressAllowed('localhost', '127.0.0.1'));

    // Assert
    expect(allowed).not.toThrow();
    expect(notListed.code).toBe('MEDIA_HOST_FORBIDDEN');
  });

  it('accepts an allow-listed name that resolves to a public address', () => {
    expect(() => policy(['media.partner.example']).assertAddressAllowed('media.partner.example', '93.184.216.34')).not.toThrow();
  });
});
