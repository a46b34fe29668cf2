import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InvokeCommand, LambdaClient, ResourceNotFoundException } from '@aws-sdk/client-lambda';
import type { GatewayConfigV1 } from '@wagw/contracts';
import { ChannelNotFoundError, CredentialsUnavailableError, TenantNotFoundError } from '@wagw/core/errors';
import { CachedCredentialsClient } from '@wagw/credentials/cached-credentials-client';
import { LambdaBrokerTransport } from '@wagw/credentials/lambda-broker-transport';
import { answerBrokerRequest } from '@wagw/credentials-broker/answer-broker-request';
import { CachedSecretDirectory } from '@wagw/credentials-broker/cached-secret-directory';
import { JsonFileSecretStore } from '@wagw/credentials-broker/json-file-secret-store';
import type { LambdaInvokeServer } from '../../src/lambda-invoke-server';
import { functionNameOf, startLambdaInvokeServer } from '../../src/lambda-invoke-server';

const BROKER = 'credentials-broker';

const gatewayConfig: GatewayConfigV1 = {
  metaApps: [{ appId: 'app-1', appSecret: 'app-secret-1', verifyToken: 'verify-1' }],
  tenants: [
    {
      tenantId: 'acme',
      database: { engine: 'pglite', dataDir: 'memory://' },
      channels: [
        {
          provider: 'meta',
          channelId: '1110001',
          wabaId: 'waba-acme',
          metaAppId: 'app-1',
          accessToken: 'acme-token',
          graphBaseUrl: 'https://graph.facebook.com',
          graphVersion: 'v24.0',
        },
      ],
    },
  ],
};

const silent = { debug: () => undefined, warn: () => undefined, error: () => undefined };

let dir: string;
let server: LambdaInvokeServer;
let lambda: LambdaClient;
const backgroundEvents: unknown[] = [];

const decode = (payload: Uint8Array | undefined): unknown => JSON.parse(new TextDecoder().decode(payload));
const encode = (value: unknown): Uint8Array => new TextEncoder().encode(JSON.stringify(value));

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lambda-invoke-'));
  const configPath = join(dir, 'gateway.json');
  await writeFile(configPath, JSON.stringify(gatewayConfig));
  const broker = { directory: new CachedSecretDirectory(new JsonFileSecretStore(configPath), { ttlMs: 60_000 }), logger: silent };

  server = await startLambdaInvokeServer({
    functions: {
      [BROKER]: (event) => answerBrokerRequest(broker, event),
      echo: async (event) => ({ received: event }),
      nothing: async () => undefined,
      explode: async () => {
        throw new RangeError('acme-token leaked into an exception');
      },
      background: async (event) => {
        backgroundEvents.push(event);
      },
    },
  });
  lambda = new LambdaClient({
    endpoint: server.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    maxAttempts: 1,
  });
});

afterAll(async () => {
  lambda.destroy();
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

describe('startLambdaInvokeServer', () => {
  describe('through the credentials client, end to end', () => {
    const client = () => new CachedCredentialsClient(new LambdaBrokerTransport(lambda, BROKER));

    it('answers the credentials client as the broker Lambda would', async () => {
      const credentials = client();

      const owner = await credentials.resolveChannel('meta', '1110001');
      const channel = await credentials.getChannelCredentials('meta', '1110001');
      const apps = await credentials.listMetaApps();
      const database = await credentials.getTenantDatabase('acme');

      expect(owner).toEqual({ tenantId: 'acme', provider: 'meta', channelId: '1110001', metaAppId: 'app-1', wabaId: 'waba-acme' });
      expect(channel).toMatchObject({ provider: 'meta', accessToken: 'acme-token' });
      expect(apps).toEqual(gatewayConfig.metaApps);
      expect(database).toEqual({ engine: 'pglite', dataDir: 'memory://' });
    });

    it("carries the broker's typed errors back as GatewayError subclasses", async () => {
      const credentials = client();

      await expect(credentials.resolveChannel('whapi', 'NOPE')).rejects.toBeInstanceOf(ChannelNotFoundError);
      await expect(credentials.getTenantDatabase('initech')).rejects.toBeInstanceOf(TenantNotFoundError);
    });

    it('reports an unknown broker function as CredentialsUnavailableError', async () => {
      const credentials = new CachedCredentialsClient(new LambdaBrokerTransport(lambda, 'no-such-broker'));

      const failure = credentials.listMetaApps();

      await expect(failure).rejects.toBeInstanceOf(CredentialsUnavailableError);
      await expect(failure).rejects.toMatchObject({ retryable: true, message: expect.stringContaining('ResourceNotFoundException') });
    });

    it("reports a broker that threw as CredentialsUnavailableError without the exception's text", async () => {
      const transport = new LambdaBrokerTransport(lambda, 'explode');

      const failure = transport.invoke({ op: 'listMetaApps' });

      await expect(failure).rejects.toBeInstanceOf(CredentialsUnavailableError);
      await expect(failure).rejects.toThrow('credentials broker explode failed (Unhandled)');
      await expect(failure).rejects.not.toThrow(/acme-token/);
    });

    it('reports an unreachable endpoint as CredentialsUnavailableError', async () => {
      const unreachable = new LambdaClient({
        endpoint: 'http://127.0.0.1:1',
        region: 'us-east-1',
        credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
        maxAttempts: 1,
      });

      await expect(new LambdaBrokerTransport(unreachable, BROKER).invoke({ op: 'listMetaApps' })).rejects.toBeInstanceOf(CredentialsUnavailableError);
      unreachable.destroy();
    });
  });

  describe('the Invoke API', () => {
    it("returns the handler's JSON result with status 200", async () => {
      const output = await lambda.send(new InvokeCommand({ FunctionName: 'echo', Payload: encode({ hello: 'wörld' }) }));

      expect(output.StatusCode).toBe(200);
      expect(output.FunctionError).toBeUndefined();
      expect(output.ExecutedVersion).toBe('$LATEST');
      expect(decode(output.Payload)).toEqual({ received: { hello: 'wörld' } });
    });

    it('finds a function by its ARN or with a qualifier', async () => {
      const byArn = await lambda.send(new InvokeCommand({ FunctionName: 'arn:aws:lambda:us-east-1:000000000000:function:echo', Payload: encode(1) }));
      const qualified = await lambda.send(new InvokeCommand({ FunctionName: 'echo', Qualifier: '$LATEST', Payload: encode(2) }));

      expect(decode(byArn.Payload)).toEqual({ received: 1 });
      expect(decode(qualified.Payload)).toEqual({ received: 2 });
    });

    it('passes {} when there is no payload and answers null for an undefined result', async () => {
      const echoed = await lambda.send(new InvokeCommand({ FunctionName: 'echo' }));
      const nothing = await lambda.send(new InvokeCommand({ FunctionName: 'nothing' }));

      expect(decode(echoed.Payload)).toEqual({ received: {} });
      expect(decode(nothing.Payload)).toBeNull();
    });

    it('answers an unknown function with ResourceNotFoundException', async () => {
      const failure = lambda.send(new InvokeCommand({ FunctionName: 'missing', Payload: encode({}) }));

      await expect(failure).rejects.toBeInstanceOf(ResourceNotFoundException);
      await expect(failure).rejects.toMatchObject({
        message: 'Function not found: arn:aws:lambda:us-east-1:000000000000:function:missing',
        $metadata: { httpStatusCode: 404 },
      });
    });

    it('answers a thrown handler error with 200, X-Amz-Function-Error: Unhandled and the error body', async () => {
      const output = await lambda.send(new InvokeCommand({ FunctionName: 'explode', Payload: encode({}) }));

      expect(output.StatusCode).toBe(200);
      expect(output.FunctionError).toBe('Unhandled');
      expect(decode(output.Payload)).toMatchObject({ errorType: 'RangeError', errorMessage: 'acme-token leaked into an exception' });
    });

    it('rejects a payload that is not JSON like Lambda does', async () => {
      const failure = lambda.send(new InvokeCommand({ FunctionName: 'echo', Payload: new TextEncoder().encode('{not json') }));

      await expect(failure).rejects.toMatchObject({ name: 'InvalidRequestContentException', $metadata: { httpStatusCode: 400 } });
    });

    it('accepts an Event invocation with 202 and runs the handler', async () => {
      const output = await lambda.send(new InvokeCommand({ FunctionName: 'background', InvocationType: 'Event', Payload: encode({ n: 7 }) }));
      await new Promise((resolve) => setImmediate(resolve));

      expect(output.StatusCode).toBe(202);
      expect(backgroundEvents).toContainEqual({ n: 7 });
    });

    it('answers a DryRun with 204 without running the handler', async () => {
      const before = backgroundEvents.length;

      const output = await lambda.send(new InvokeCommand({ FunctionName: 'background', InvocationType: 'DryRun', Payload: encode({ n: 8 }) }));

      expect(output.StatusCode).toBe(204);
      expect(backgroundEvents).toHaveLength(before);
    });
  });

  describe('Lambda context, counting and draining', () => {
    it('hands the handler a context that counts down from the function timeout', async () => {
      // Prepare
      const seen: { functionName: string; remaining: number }[] = [];
      server.addFunction(
        'timed',
        async (_event, context) => {
          seen.push({ functionName: context.functionName, remaining: context.getRemainingTimeInMillis() });
        },
        5_000,
      );

      // Act
      await lambda.send(new InvokeCommand({ FunctionName: 'timed', Payload: encode({}) }));

      // Assert
      expect(seen).toEqual([{ functionName: 'timed', remaining: expect.any(Number) }]);
      expect(seen[0]!.remaining).toBeGreaterThan(0);
      expect(seen[0]!.remaining).toBeLessThanOrEqual(5_000);
    });

    it('counts synchronous and asynchronous invocations per function, but not dry runs', async () => {
      // Prepare
      server.addFunction('counted', async () => 'ok');

      // Act
      await lambda.send(new InvokeCommand({ FunctionName: 'counted' }));
      await lambda.send(new InvokeCommand({ FunctionName: 'counted', InvocationType: 'Event' }));
      await lambda.send(new InvokeCommand({ FunctionName: 'counted', InvocationType: 'DryRun' }));
      await server.drain();

      // Assert
      expect(server.invocations.counted).toBe(2);
    });

    it('waits for running asynchronous invocations, and with cutShort leaves them no remaining time', async () => {
      // Prepare: a handler that polls until its remaining time runs out, as the collector does
      const polled: number[] = [];
      server.addFunction(
        'poll-until-deadline',
        async (_event, context) => {
          while (context.getRemainingTimeInMillis() > 0) {
            polled.push(context.getRemainingTimeInMillis());
            await new Promise((resolve) => setTimeout(resolve, 5));
          }
        },
        600_000,
      );
      await lambda.send(new InvokeCommand({ FunctionName: 'poll-until-deadline', InvocationType: 'Event' }));
      await new Promise((resolve) => setTimeout(resolve, 20));

      // Act
      await server.drain({ cutShort: true });

      // Assert: it had been running with most of its ten minutes left, and has now ended
      expect(polled.length).toBeGreaterThan(0);
      expect(polled[0]).toBeGreaterThan(500_000);
      const countAfterDrain = polled.length;
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(polled).toHaveLength(countAfterDrain);
    });
  });

  it('listens on 127.0.0.1 on the port it reports', () => {
    expect(server.endpoint).toBe(`http://127.0.0.1:${server.port}`);
    expect(server.port).toBeGreaterThan(0);
  });
});

describe('functionNameOf', () => {
  it.each([
    ['credentials-broker', 'credentials-broker'],
    ['credentials-broker:live', 'credentials-broker'],
    ['arn:aws:lambda:eu-west-1:123456789012:function:credentials-broker', 'credentials-broker'],
    ['arn:aws:lambda:eu-west-1:123456789012:function:credentials-broker:3', 'credentials-broker'],
    ['123456789012:function:credentials-broker', 'credentials-broker'],
  ])('reads %s as %s', (identifier, name) => {
    expect(functionNameOf(identifier)).toBe(name);
  });
});
