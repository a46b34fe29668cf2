import type { ChannelRecordV1, MetaChannelV1 } from '@wagw/contracts';
import type { MessagingProvider, OutboundMedia, ProviderCallResult, SendOptions } from '@wagw/core/ports';
import { permanent, trimBase } from './call-results';
import { classifyMetaAnswer } from './meta-answer';
import type { ProviderHttp } from './provider-http';
import { sendableContent } from './sendable-content';

const channelMismatch = (channel: ChannelRecordV1): ProviderCallResult =>
  permanent('CHANNEL_PROVIDER_MISMATCH', `CHANNEL_PROVIDER_MISMATCH: channel ${channel.channelId} is a ${channel.provider} channel, not a Meta one`);

/** `{graphBaseUrl}/{graphVersion}/{phone_number_id}/{edge}`: base URL per channel, so BSP pass-through proxies work. */
const graphUrl = (channel: MetaChannelV1, edge: 'messages' | 'media'): string =>
  `${trimBase(channel.graphBaseUrl)}/${channel.graphVersion}/${encodeURIComponent(channel.channelId)}/${edge}`;

/** The Cloud API request body: the row's message as it is, addressed and marked as WhatsApp. */
export const metaSendBody = (toId: string, message: Record<string, unknown>, options: SendOptions = {}): Record<string, unknown> => {
  const { messaging_product: _product, to: _to, recipient_type: recipientType, ...content } = message;
  const body: Record<string, unknown> = {
    messaging_product: 'whatsapp',
    recipient_type: recipientType ?? 'individual',
    to: toId,
    ...content,
  };
  if (body.biz_opaque_callback_data === undefined && options.callbackData !== undefined) body.biz_opaque_callback_data = options.callbackData;
  return body;
};

/** Meta WhatsApp Cloud API: `POST /{version}/{phone_number_id}/messages` and `/media`. */
export class MetaCloudProvider implements MessagingProvider {
  constructor(private readonly http: ProviderHttp) {}

  async send(channel: ChannelRecordV1, toId: string, message: Record<string, unknown>, options?: SendOptions): Promise<ProviderCallResult> {
    if (channel.provider !== 'meta') return channelMismatch(channel);
    const sendable = sendableContent(message);
    if (!sendable.ok) return sendable.rejection;
    const exchange = await this.http.exchange('send', {
      method: 'POST',
      url: graphUrl(channel, 'messages'),
      headers: { authorization: `Bearer ${channel.accessToken}`, 'content-type': 'application/json' },
      data: JSON.stringify(metaSendBody(toId, message, options)),
    });
    if (exchange.kind === 'no-answer') return exchange.result;
    return classifyMetaAnswer(exchange.status, exchange.body, 'message', channel.accessToken);
  }

  async uploadMedia(channel: ChannelRecordV1, media: OutboundMedia): Promise<ProviderCallResult> {
    if (channel.provider !== 'meta') return channelMismatch(channel);
    const form = new FormData();
    form.append('messaging_product', 'whatsapp');
    form.append('type', media.mimeType);
    form.append('file', new Blob([media.bytes], { type: media.mimeType }), media.filename);
    const exchange = await this.http.exchange('upload', {
      method: 'POST',
      url: graphUrl(channel, 'media'),
      headers: { authorization: `Bearer ${channel.accessToken}` },
      data: form,
    });
    if (exchange.kind === 'no-answer') return exchange.result;
    return classifyMetaAnswer(exchange.status, exchange.body, 'media', channel.accessToken);
  }
}
