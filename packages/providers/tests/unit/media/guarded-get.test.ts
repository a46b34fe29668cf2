import { MediaFetchError } from '@wagw/core/errors';
import { guardedGet } from '../../../src/media/guarded-get';
import { META_MEDIA_HOST_SUFFIXES, createHostPolicy } from '../../../src/media/host-policy';
import { nodeHttpTransport } from '../../../src/media/node-http-transport';
import { fakeTransport } from './fake-transport';

const metaPolicy = (exactHosts: string[] = ['graph.facebook.com']) =>
  createHostPolicy({ exactHosts, domainSuffixes: META_MEDIA_HOST_SUFFIXES });

const LOOKASIDE = 'https://lookaside.fbsbx.com/whatsapp_business/attachments/?mid=1';

const failureOf = async (promise: Promise<unknown>): Promise<MediaFetchError> => {
  try {
    await promise;
  } catch (error) {
    if (error instanceof MediaFetchError) return error;
    throw error;
  }
  throw new Error('expected a MediaFetchError');
};

describe('guardedGet (SSRF guard)', () => {
  it('fetches from a Meta media host over https', async () => {
    // Prepare
    const { transport, requests } = fakeTransport({ [LOOKASIDE]: { status: 200, body: 'bytes' } });

    // Act
    const response = await guardedGet(new URL(LOOKASIDE), { policy: metaPolicy(), timeoutMs: 1000, transport });

    // Assert
    expect(response.status).toBe(200);
    expect(requests.map((request) => request.url.hostname)).toEqual(['lookaside.fbsbx.com']);
  });

  it('refuses a host that is not on the allow-list without contacting it', async () => {
    const { transport, requests } = fakeTransport({});

    const error = await failureOf(guardedGet(new URL('https://attacker.example.com/x.jpg'), { policy: metaPolicy(), timeoutMs: 1000, transport }));

    expect(error.code).toBe('MEDIA_HOST_FORBIDDEN');
    expect(error.retryable).toBe(false);
    expect(requests).toHaveLength(0);
  });

  it.each([
    ['a look-alike domain', 'https://evilfbsbx.com/x'],
    ['an allowed domain used as a subdomain', 'https://fbsbx.com.attacker.example/x'],
    ['plain http to an allowed host', 'http://lookaside.fbsbx.com/x'],
    ['a public IP literal', 'https://157.240.1.1/x'],
    ['the cloud metadata address', 'https://169.254.169.254/latest/meta-data/'],
    ['credentials in the URL', 'https://user:pass@lookaside.fbsbx.com/x'],
    ['a non-http scheme', 'file:///etc/passwd'],
  ])('refuses %s', async (_case, url) => {
    const { transport, requests } = fakeTransport({});

    const error = await failureOf(guardedGet(new URL(url), { policy: metaPolicy(), timeoutMs: 1000, transport }));

    expect(error.code).toBe('MEDIA_HOST_FORBIDDEN');
    expect(requests).toHaveLength(0);
  });

  it('refuses an https URL that redirects to plain http on a private IP', async () => {
    // Prepare
    const { transport, requests } = fakeTransport({
      [LOOKASIDE]: { status: 302, headers: { location: 'http://169.254.169.254/latest/meta-data/iam' } },
    });

    // Act
    const error = await failureOf(guardedGet(new URL(LOOKASIDE), { policy: metaPolicy(), timeoutMs: 1000, transport }));

    // Assert
    expect(error.code).toBe('MEDIA_HOST_FORBIDDEN');
    expect(requests.map((request) => request.url.href)).toEqual([LOOKASIDE]);
  });

  it('refuses a redirect to a host outside the allow-list', async () => {
    const { transport, requests } = fakeTransport({
      [LOOKASIDE]: { status: 301, headers: { location: 'https://attacker.example.com/steal' } },
    });

    const error = await failureOf(guardedGet(new URL(LOOKASIDE), { policy: metaPolicy(), timeoutMs: 1000, transport }));

    expect(error.code).toBe('MEDIA_HOST_FORBIDDEN');
    expect(requests).toHaveLength(1);
  });

  it('follows a redirect to another allowed host without the bearer token', async () => {
    // Prepare
    const cdn = 'https://scontent.xx.fbcdn.net/v/file.jpg';
    const { transport, requests } = fakeTransport({
      [LOOKASIDE]: { status: 307, headers: { location: cdn } },
      [cdn]: { status: 200, body: 'bytes' },
    });

    // Act
    const response = await guardedGet(new URL(LOOKASIDE), {
      policy: metaPolicy(),
      timeoutMs: 1000,
      transport,
      headers: { authorization: 'Bearer secret-token' },
    });

    // Assert
    expect(response.url.href).toBe(cdn);
    expect(requests[0]?.headers.authorization).toBe('Bearer secret-token');
    expect(requests[1]?.headers.authorization).toBeUndefined();
  });

  it('keeps the bearer token on a redirect within the same origin', async () => {
    const next = 'https://lookaside.fbsbx.com/other';
    const { transport, requests } = fakeTransport({
      [LOOKASIDE]: { status: 302, headers: { location: '/other' } },
      [next]: { status: 200 },
    });

    await guardedGet(new URL(LOOKASIDE), { policy: metaPolicy(), timeoutMs: 1000, transport, headers: { authorization: 'Bearer t' } });

    expect(requests[1]?.headers.authorization).toBe('Bearer t');
  });

  it('follows three redirects and refuses the fourth', async () => {
    // Prepare
    const hop = (n: number) => `https://lookaside.fbsbx.com/hop/${n}`;
    const chain = (length: number) =>
      fakeTransport(
        Object.fromEntries(
          Array.from({ length: length + 1 }, (_, n) => [
            hop(n),
            n < length ? { status: 302, headers: { location: hop(n + 1) } } : { status: 200, body: 'bytes' },
          ]),
        ),
      );
    const three = chain(3);
    const four = chain(4);

    // Act
    const response = await guardedGet(new URL(hop(0)), { policy: metaPolicy(), timeoutMs: 1000, transport: three.transport });
    const error = await failureOf(guardedGet(new URL(hop(0)), { policy: metaPolicy(), timeoutMs: 1000, transport: four.transport }));

    // Assert
    expect(response.status).toBe(200);
    expect(error.code).toBe('MEDIA_TOO_MANY_REDIRECTS');
    expect(error.retryable).toBe(false);
    expect(four.requests).toHaveLength(4);
  });

  it('allows plain http to 127.0.0.1 only when that exact host is allow-listed', async () => {
    const url = 'http://127.0.0.1:8080/v24.0/123';
    const { transport } = fakeTransport({ [url]: { status: 200 } });

    const allowed = await guardedGet(new URL(url), { policy: metaPolicy(['127.0.0.1']), timeoutMs: 1000, transport });
    const refused = await failureOf(guardedGet(new URL(url), { policy: metaPolicy(), timeoutMs: 1000, transport }));

    expect(allowed.status).toBe(200);
    expect(refused.code).toBe('MEDIA_HOST_FORBIDDEN');
  });

  it('refuses a name on the allow-list that resolves to a private address', async () => {
    // Prepare: 'localhost' allowed as a domain (not exactly), so its resolution is checked when connecting
    const policy = createHostPolicy({ exactHosts: [], domainSuffixes: ['localhost'] });

    // Act
    const error = await failureOf(guardedGet(new URL('https://localhost:9/file'), { policy, timeoutMs: 5000, transport: nodeHttpTransport }));

    // Assert
    expect(error.code).toBe('MEDIA_HOST_FORBIDDEN');
    expect(error.message).toContain('private address');
  });
});
