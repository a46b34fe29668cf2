import type * as HandlerModule from '../../src/handler';
import { closedPort } from '../support/closed-port';

const loadHandler = (env: Record<string, string>): typeof HandlerModule => {
  const saved = { ...process.env };
  Object.assign(process.env, env);
  try {
    let loaded: typeof HandlerModule | undefined;
    jest.isolateModules(() => {
      loaded = jest.requireActual<typeof HandlerModule>('../../src/handler');
    });
    if (loaded === undefined) throw new Error('handler module did not load');
    return loaded;
  } finally {
    process.env = saved;
  }
};

describe('outbound-collector handler wiring', () => {
  let env: Record<string, string>;

  beforeAll(async () => {
    const nowhere = `http://127.0.0.1:${await closedPort()}`;
    env = {
      OUTBOUND_MESSAGES_QUEUE_URL: `${nowhere}/000000000000/outbound-messages.fifo`,
      CREDENTIALS_BROKER_FUNCTION: 'wagw-credentials-broker',
      OUTBOUND_COLLECTOR_FUNCTION: 'wagw-outbound-collector',
      AWS_ENDPOINT_URL: nowhere,
      LOG_LEVEL: 'silent',
    };
  });

  it('builds its dependencies from the environment without touching the network', () => {
    const { handler, closeConnections } = loadHandler(env);

    expect(typeof handler).toBe('function');
    expect(typeof closeConnections).toBe('function');
  });

  it('answers a schedule event with an empty fan-out when the broker cannot be reached, without throwing', async () => {
    const { handler, closeConnections } = loadHandler(env);

    await expect(handler({ source: 'aws.events', 'detail-type': 'Scheduled Event' })).resolves.toEqual({
      run: 'fan-out',
      tenants: 0,
      launched: 0,
      notLaunched: [],
    });
    await closeConnections();
  });

  it('ends a tenant run with an error summary when the broker cannot be reached, without throwing', async () => {
    const { handler, closeConnections } = loadHandler(env);

    await expect(handler({ tenantId: 'acme' })).resolves.toMatchObject({ run: 'tenant', tenantId: 'acme', stoppedBy: 'error' });
    await closeConnections();
  });
});
