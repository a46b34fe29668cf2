import { handleHttpRequest } from '../../src/http/handle-http-request';
import { httpEvent, responseJson } from '../support/http-events';
import { META_APP, OTHER_META_APP, receiverWorld } from '../support/receiver-fakes';
import { fixtureJson } from '../support/shared-fixtures';

interface VerifyFixture {
  query: Record<string, string>;
  configured_verify_token: string;
  expected_response: { status: number; content_type: string; body: string };
}

const handshake = (query: Record<string, string>) => httpEvent({ method: 'GET', path: '/webhooks/meta', query });

describe('GET /webhooks/meta (subscription handshake)', () => {
  it('echoes the recorded challenge byte for byte as text/plain', async () => {
    // Prepare
    const fixture = fixtureJson<VerifyFixture>('meta-webhook-verify-request.json');
    const world = receiverWorld({ metaApps: [{ ...META_APP, verifyToken: fixture.configured_verify_token }] });

    // Act
    const response = await handleHttpRequest(world.context, handshake(fixture.query));

    // Assert
    expect(response.statusCode).toBe(fixture.expected_response.status);
    expect(response.headers).toMatchObject({ 'content-type': fixture.expected_response.content_type });
    expect(response.body).toBe(fixture.expected_response.body);
  });

  it('accepts the verify token of any configured app', async () => {
    const world = receiverWorld();

    const response = await handleHttpRequest(
      world.context,
      handshake({ 'hub.mode': 'subscribe', 'hub.verify_token': OTHER_META_APP.verifyToken, 'hub.challenge': '0012 abc' }),
    );

    expect(response.statusCode).toBe(200);
    expect(response.body).toBe('0012 abc');
  });

  it('reads the query from rawQueryString when API Gateway did not parse it', async () => {
    const world = receiverWorld();
    const event = handshake({ 'hub.mode': 'subscribe', 'hub.verify_token': META_APP.verifyToken, 'hub.challenge': '42' });
    delete event.queryStringParameters;

    const response = await handleHttpRequest(world.context, event);

    expect(response.statusCode).toBe(200);
    expect(response.body).toBe('42');
  });

  it.each([
    ['a wrong verify token', { 'hub.mode': 'subscribe', 'hub.verify_token': 'guess', 'hub.challenge': '1' }],
    ['another mode', { 'hub.mode': 'unsubscribe', 'hub.verify_token': META_APP.verifyToken, 'hub.challenge': '1' }],
    ['no verify token', { 'hub.mode': 'subscribe', 'hub.challenge': '1' }],
    ['no query at all', {}],
  ])('refuses %s with 403', async (_name, query) => {
    const world = receiverWorld();

    const response = await handleHttpRequest(world.context, handshake(query));

    expect(response.statusCode).toBe(403);
    expect(responseJson(response)).toMatchObject({ error: { code: 'VERIFICATION_FAILED' } });
    expect(response.body).not.toContain(META_APP.verifyToken);
  });

  it('answers 400 when the token matches but there is no challenge', async () => {
    const world = receiverWorld();

    const response = await handleHttpRequest(world.context, handshake({ 'hub.mode': 'subscribe', 'hub.verify_token': META_APP.verifyToken }));

    expect(response.statusCode).toBe(400);
    expect(responseJson(response)).toEqual({ error: { code: 'WEBHOOK_MALFORMED', message: 'hub.challenge is missing' } });
  });

  it('answers 503 when the broker cannot be asked', async () => {
    const world = receiverWorld();
    world.credentials.unavailable = true;

    const response = await handleHttpRequest(world.context, handshake({ 'hub.mode': 'subscribe', 'hub.verify_token': META_APP.verifyToken, 'hub.challenge': '1' }));

    expect(response.statusCode).toBe(503);
  });
});
