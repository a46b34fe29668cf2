import { setTimeout as sleep } from 'node:timers/promises';
import { metaSignatureHeader } from '@wagw/providers/meta/signature';
import type { BenchTenant } from './bench-gateway';
import { runBounded } from './stats';

export interface IngestOptions {
  gatewayUrl: string;
  appSecret: string;
  tenant: BenchTenant;
  webhooks: number;
  /** Webhooks in flight at once. */
  concurrency: number;
  runId: string;
  /** Give up waiting for rows after this long. */
  timeoutMs: number;
}

export interface IngestResult {
  engine: string;
  webhooks: number;
  /** Until the last webhook was answered 200. */
  acceptSeconds: number;
  /** Until the last row was in the tenant database. */
  totalSeconds: number;
  acceptedPerSecond: number;
  perSecond: number;
}

const CONTACTS = 50;

const webhookBody = (phoneNumberId: string, messageId: string, index: number): string => {
  const waId = `1555${String(index % CONTACTS).padStart(7, '0')}`;
  return JSON.stringify({
    object: 'whatsapp_business_account',
    entry: [
      {
        id: `2${phoneNumberId.slice(1)}`,
        changes: [
          {
            field: 'messages',
            value: {
              messaging_product: 'whatsapp',
              metadata: { display_phone_number: '15550000001', phone_number_id: phoneNumberId },
              contacts: [{ profile: { name: 'Bench User' }, wa_id: waId }],
              messages: [{ from: waId, id: messageId, timestamp: '1760000000', type: 'text', text: { body: `Benchmark ${index}` } }],
            },
          },
        ],
      },
    ],
  });
};


/**
 * Webhooks per second end to end: N signed one-message webhooks (50 conversations) posted to the local
 * gateway with bounded concurrency; the clock stops when the last row is in the tenant's database.
 */
export const benchIngest = async (options: IngestOptions): Promise<IngestResult> => {
  const { tenant } = options;
  const ids = Array.from({ length: options.webhooks }, (_, index) => `wamid.BENCH-${options.runId}-${tenant.engine}-${index}`);
  const bodies = ids.map((id, index) => webhookBody(tenant.phoneNumberId, id, index));
  const signatures = bodies.map((body) => metaSignatureHeader(body, options.appSecret));

  const start = process.hrtime.bigint();
  const elapsed = (): number => Number(process.hrtime.bigint() - start) / 1e9;
  await runBounded(bodies.length, options.concurrency, async (index) => {
    const response = await fetch(`${options.gatewayUrl}/webhooks/meta`, {
      method: 'POST',
      body: bodies[index],
      headers: { 'content-type': 'application/json', 'x-hub-signature-256': signatures[index]! },
    });
    const text = await response.text();
    if (response.status !== 200) throw new Error(`webhook ${index} answered ${response.status}: ${text}`);
  });
  const acceptSeconds = elapsed();

  // Rows land in any order across conversations: walk a cursor over the ids until every one is found.
  let found = 0;
  while (found < ids.length) {
    const row = await tenant.store.findInboundMessage({ provider: 'meta', channelId: tenant.phoneNumberId, providerMessageId: ids[found]! });
    if (row !== undefined) {
      found += 1;
      continue;
    }
    if (elapsed() * 1000 > options.timeoutMs) throw new Error(`only ${found} of ${ids.length} rows arrived in ${tenant.engine} within ${options.timeoutMs} ms`);
    await sleep(20);
  }
  const totalSeconds = elapsed();
  return {
    engine: tenant.engine,
    webhooks: ids.length,
    acceptSeconds,
    totalSeconds,
    acceptedPerSecond: ids.length / acceptSeconds,
    perSecond: ids.length / totalSeconds,
  };
};
