import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type { ChannelOwnerV1, MetaAppRecordV1, Provider } from '@wagw/contracts';
import type { BlobStore, CredentialsClient, EventPublisher } from '@wagw/core/ports';
import { metaSignatureHeader } from '@wagw/providers/meta/signature';
import { createLogger } from '@wagw/runtime/logger';
import { handleHttpRequest } from '@wagw/webhook-receiver/http/handle-http-request';
import type { ReceiverContext } from '@wagw/webhook-receiver/receiver-deps';
import { summarize } from './stats';
import type { Summary } from './stats';

export interface ReceiverBenchOptions {
  iterations: number;
  warmup: number;
  /** Messages in each webhook body. */
  messagesPerWebhook: number;
}

export interface ReceiverBenchResult {
  messagesPerWebhook: number;
  iterations: number;
  /** Microseconds per webhook. */
  micros: Summary;
}

const APP: MetaAppRecordV1 = { appId: '900000000000001', appSecret: 'bench-app-secret', verifyToken: 'bench-verify' };
const PHONE_NUMBER_ID = '100000000000001';

const resolved = Promise.resolve();

// Ports whose I/O completes at once: what is measured is the handler's own CPU time.
const instantCredentials: CredentialsClient = {
  resolveChannel: (provider: Provider, channelId: string): Promise<ChannelOwnerV1> =>
    Promise.resolve({ tenantId: 'bench-tenant', provider, channelId, metaAppId: APP.appId }),
  listMetaApps: () => Promise.resolve([APP]),
  getTenantDatabase: () => Promise.reject(new Error('not used by the receiver')),
  getChannelCredentials: () => Promise.reject(new Error('not used by the receiver')),
  listTenants: () => Promise.reject(new Error('not used by the receiver')),
  invalidate: () => undefined,
};
const instantPublisher: EventPublisher = { publish: () => resolved };
const instantBlobs: BlobStore = {
  put: () => resolved,
  get: () => Promise.resolve(undefined),
  list: () => Promise.resolve([]),
  delete: () => resolved,
};

const webhookBody = (messages: number, round: number): string =>
  JSON.stringify({
    object: 'whatsapp_business_account',
    entry: [
      {
        id: '200000000000001',
        changes: [
          {
            field: 'messages',
            value: {
              messaging_product: 'whatsapp',
              metadata: { display_phone_number: '15550000001', phone_number_id: PHONE_NUMBER_ID },
              contacts: [{ profile: { name: 'Bench User' }, wa_id: '15550001111' }],
              messages: Array.from({ length: messages }, (_, index) => ({
                from: '15550001111',
                id: `wamid.BENCH-${round}-${index}`,
                timestamp: '1760000000',
                type: 'text',
                text: { body: `Benchmark message ${index}` },
              })),
            },
          },
        ],
      },
    ],
  });

const httpEvent = (body: string): APIGatewayProxyEventV2 =>
  ({
    version: '2.0',
    routeKey: '$default',
    rawPath: '/webhooks/meta',
    rawQueryString: '',
    headers: { 'content-type': 'application/json', 'x-hub-signature-256': metaSignatureHeader(body, APP.appSecret) },
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      domainName: 'localhost',
      domainPrefix: 'localhost',
      http: { method: 'POST', path: '/webhooks/meta', protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'bench' },
      requestId: 'bench',
      routeKey: '$default',
      stage: '$default',
      time: '',
      timeEpoch: 0,
    },
    body,
    isBase64Encoded: false,
  }) as APIGatewayProxyEventV2;

/**
 * µs per webhook of the receiver's HTTP use case (verify, parse, route, archive, publish) with ports
 * that answer at once, so awaited I/O is excluded. A small pool of distinct bodies avoids measuring
 * one hot string.
 */
export const benchReceiverHandler = async (options: ReceiverBenchOptions): Promise<ReceiverBenchResult> => {
  const context: ReceiverContext = {
    credentials: instantCredentials,
    publisher: instantPublisher,
    blobs: instantBlobs,
    clock: { now: () => new Date() },
    logger: createLogger({ level: 'silent' }),
    limits: { maxBodyBytes: 3.5 * 1024 * 1024 },
  };
  const events = Array.from({ length: 64 }, (_, round) => httpEvent(webhookBody(options.messagesPerWebhook, round)));
  const run = async (index: number): Promise<void> => {
    const response = await handleHttpRequest(context, events[index % events.length]!);
    if (response.statusCode !== 200) throw new Error(`receiver answered ${response.statusCode}: ${String(response.body)}`);
  };

  for (let index = 0; index < options.warmup; index += 1) await run(index);
  const samples: number[] = new Array<number>(options.iterations);
  for (let index = 0; index < options.iterations; index += 1) {
    const start = process.hrtime.bigint();
    await run(index);
    samples[index] = Number(process.hrtime.bigint() - start) / 1_000;
  }
  return { messagesPerWebhook: options.messagesPerWebhook, iterations: options.iterations, micros: summarize(samples) };
};
