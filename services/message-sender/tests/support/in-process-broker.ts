import type { BrokerRequestV1, BrokerResponseV1, ChannelRecordV1 } from '@wagw/contracts';
import type { BrokerTransport } from '@wagw/credentials/broker-transport';

/**
 * The credentials broker answered in-process (the real one is a Lambda): channel owners and records.
 * A channel may hand out a list of records, one per fetch, the last repeated (a rotated token).
 */
export class InProcessBroker implements BrokerTransport {
  private readonly channels = new Map<string, { tenantId: string; records: ChannelRecordV1[]; fetches: number }>();

  serve(tenantId: string, ...records: ChannelRecordV1[]): this {
    const first = records[0];
    if (first === undefined) throw new Error('serve needs a record');
    this.channels.set(`${first.provider}:${first.channelId}`, { tenantId, records, fetches: 0 });
    return this;
  }

  async invoke(request: BrokerRequestV1): Promise<BrokerResponseV1> {
    if (request.op !== 'resolveChannel' && request.op !== 'getChannelCredentials') {
      return { ok: false, error: { code: 'BROKER_REQUEST_INVALID', message: `${request.op} is not served here`, retryable: false } };
    }
    const entry = this.channels.get(`${request.provider}:${request.channelId}`);
    if (entry === undefined) {
      return { ok: false, error: { code: 'CHANNEL_NOT_FOUND', message: `no tenant owns ${request.provider} channel ${request.channelId}`, retryable: false } };
    }
    if (request.op === 'resolveChannel') return { ok: true, result: { tenantId: entry.tenantId, provider: request.provider, channelId: request.channelId } };
    const record = entry.records[Math.min(entry.fetches, entry.records.length - 1)];
    entry.fetches += 1;
    return { ok: true, result: record };
  }
}
