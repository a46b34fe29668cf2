import type { ChannelRecordV1, WhapiChannelV1 } from '@wagw/contracts';
import type { MessagingProvider, OutboundMedia, ProviderCallResult } from '@wagw/core/ports';
import { permanent, trimBase } from './call-results';
import type { ProviderHttp } from './provider-http';
import { sendableContent } from './sendable-content';
import { classifyWhapiAnswer } from './whapi-answer';
import type { WhapiAnswerKind } from './whapi-answer';
import { toWhapiRequest } from './whapi-request';

const channelMismatch = (channel: ChannelRecordV1): ProviderCallResult =>
  permanent('CHANNEL_PROVIDER_MISMATCH', `CHANNEL_PROVIDER_MISMATCH: channel ${channel.channelId} is a ${channel.provider} channel, not a Whapi one`);

const authorization = (channel: WhapiChannelV1): Record<string, string> => ({ authorization: `Bearer ${channel.apiToken}` });

/** Whapi.Cloud: the Cloud API message translated to `/messages/{type}` (reference §D4); the token names the channel. */
export class WhapiProvider implements MessagingProvider {
  constructor(private readonly http: ProviderHttp) {}

  async send(channel: ChannelRecordV1, toId: string, message: Record<string, unknown>): Promise<ProviderCallResult> {
    if (channel.provider !== 'whapi') return channelMismatch(channel);
    const sendable = sendableContent(message);
    if (!sendable.ok) return sendable.rejection;
    const translation = toWhapiRequest(toId, sendable.content);
    if (!translation.ok) return translation.rejection;
    const { request } = translation;
    const exchange = await this.http.exchange('send', {
      method: request.method,
      url: `${trimBase(channel.baseUrl)}${request.path}`,
      headers: request.body === undefined ? authorization(channel) : { ...authorization(channel), 'content-type': 'application/json' },
      ...(request.body === undefined ? {} : { data: JSON.stringify(request.body) }),
    });
    if (exchange.kind === 'no-answer') return exchange.result;
    const answer: WhapiAnswerKind = request.kind === 'reaction' ? { kind: 'reaction', targetId: request.targetId } : { kind: 'message' };
    return classifyWhapiAnswer(exchange.status, exchange.body, answer, channel.apiToken);
  }

  async uploadMedia(channel: ChannelRecordV1, media: OutboundMedia): Promise<ProviderCallResult> {
    if (channel.provider !== 'whapi') return channelMismatch(channel);
    const exchange = await this.http.exchange('upload', {
      method: 'POST',
      url: `${trimBase(channel.baseUrl)}/media`,
      headers: { ...authorization(channel), 'content-type': media.mimeType },
      data: Buffer.from(media.bytes.buffer, media.bytes.byteOffset, media.bytes.byteLength),
    });
    if (exchange.kind === 'no-answer') return exchange.result;
    return classifyWhapiAnswer(exchange.status, exchange.body, { kind: 'media' }, channel.apiToken);
  }
}
