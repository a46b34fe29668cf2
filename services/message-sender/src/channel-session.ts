import type { ChannelRecordV1, Provider } from '@wagw/contracts';
import type { ProviderCallResult } from '@wagw/core/ports';
import type { MessageSenderDependencies } from './message-sender-dependencies';

/** A provider call's result, or "not called: the lease leaves no time for it". */
export type CallAnswer = ProviderCallResult | { outcome: 'lease-expired' };

/**
 * One record's credentials for its channel. A call answered with "token expired" drops this channel's
 * cached credentials (other channels keep theirs), fetches the channel again and runs once more; a record refreshes at most once, so a
 * token that is still expired ends as the provider's answer.
 */
export class ChannelSession {
  private refreshed = false;

  private constructor(
    private readonly credentials: MessageSenderDependencies['credentials'],
    private readonly provider: Provider,
    private readonly channelId: string,
    private channel: ChannelRecordV1,
  ) {}

  static async open(credentials: MessageSenderDependencies['credentials'], provider: Provider, channelId: string): Promise<ChannelSession> {
    return new ChannelSession(credentials, provider, channelId, await credentials.getChannelCredentials(provider, channelId));
  }

  async call(run: (channel: ChannelRecordV1) => Promise<CallAnswer>): Promise<CallAnswer> {
    const first = await run(this.channel);
    if (this.refreshed || first.outcome !== 'rejected' || first.retry !== 'token-expired') return first;
    this.refreshed = true;
    this.credentials.invalidate(this.provider, this.channelId);
    this.channel = await this.credentials.getChannelCredentials(this.provider, this.channelId);
    return run(this.channel);
  }
}
