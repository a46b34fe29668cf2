import { handleHttpRequest } from '../../src/http/handle-http-request';
import { httpEvent, responseJson } from '../support/http-events';
import { receiverWorld } from '../support/receiver-fakes';

describe('HTTP routes', () => {
  it('answers GET /health with ok', async () => {
    const world = receiverWorld();

    const response = await handleHttpRequest(world.context, httpEvent({ method: 'GET', path: '/health' }));

    expect(response.statusCode).toBe(200);
    expect(responseJson(response)).toEqual({ status: 'ok' });
  });

  it('tolerates a trailing slash', async () => {
    const world = receiverWorld();

    const response = await handleHttpRequest(world.context, httpEvent({ method: 'GET', path: '/health/' }));

    expect(response.statusCode).toBe(200);
  });

  it('answers an unknown path with a JSON 404', async () => {
    const world = receiverWorld();

    const response = await handleHttpRequest(world.context, httpEvent({ method: 'GET', path: '/nope' }));

    expect(response.statusCode).toBe(404);
    expect(responseJson(response)).toEqual({ error: { code: 'NOT_FOUND', message: 'no such route' } });
  });

  it.each([
    ['DELETE', '/webhooks/meta', 'GET, POST'],
    ['GET', '/webhooks/whapi/TESTCH-ABCDE', 'POST'],
    ['POST', '/health', 'GET'],
  ])('refuses %s %s with 405 and the allowed methods', async (method, path, allow) => {
    const world = receiverWorld();

    const response = await handleHttpRequest(world.context, httpEvent({ method, path }));

    expect(response.statusCode).toBe(405);
    expect(response.headers).toMatchObject({ allow });
    expect(responseJson(response)).toMatchObject({ error: { code: 'METHOD_NOT_ALLOWED' } });
  });

  it('answers a channel segment that is no valid percent-encoding with 404', async () => {
    const world = receiverWorld();

    const response = await handleHttpRequest(world.context, httpEvent({ method: 'POST', path: '/webhooks/whapi/%E0%A4%A', body: '{}' }));

    expect(response.statusCode).toBe(404);
  });

  it.each([
    ['a dot-dot segment', '..'],
    ['an encoded dot-dot segment', '%2E%2E'],
    ['a single dot', '.'],
    ['an encoded slash', 'TESTCH%2F..%2Fraw'],
    ['a space', 'TEST%20CH'],
    ['a non-ASCII letter', 'caf%C3%A9'],
    ['more than 64 characters', 'C'.repeat(65)],
  ])('answers a Whapi channel id with %s with 404 without asking the broker', async (_name, segment) => {
    const world = receiverWorld();

    const response = await handleHttpRequest(world.context, httpEvent({ method: 'POST', path: `/webhooks/whapi/${segment}`, body: '{}' }));

    expect(response.statusCode).toBe(404);
    expect(world.credentials.calls).toEqual([]);
  });

  it('routes a Whapi channel id of letters, digits, dots, dashes and underscores up to 64 characters', async () => {
    const world = receiverWorld();

    const response = await handleHttpRequest(world.context, httpEvent({ method: 'POST', path: `/webhooks/whapi/a.b_c-${'D'.repeat(58)}`, body: '{}' }));

    expect(response.statusCode).toBe(401);
  });
});
