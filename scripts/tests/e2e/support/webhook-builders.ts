import { metaSignatureHeader } from '@wagw/providers/meta/signature';

export type MetaInboundSpec =
  | { phoneNumberId: string; from: string; id: string; type: 'text'; text: string }
  | { phoneNumberId: string; from: string; id: string; type: 'image'; mediaId: string; mimeType?: string; caption?: string };

const TIMESTAMP = '1760000000';

const metaMessage = (spec: MetaInboundSpec): Record<string, unknown> => {
  const base = { from: spec.from, id: spec.id, timestamp: TIMESTAMP, type: spec.type };
  if (spec.type === 'text') return { ...base, text: { body: spec.text } };
  return {
    ...base,
    image: {
      ...(spec.caption === undefined ? {} : { caption: spec.caption }),
      mime_type: spec.mimeType ?? 'image/jpeg',
      sha256: 'TESTsha256base64AAAAAAAAAAAAAAAAAAAAAAAAAAA=',
      id: spec.mediaId,
    },
  };
};

/**
 * A Meta `messages` webhook body carrying the given messages, one change per phone number (the way
 * Meta batches several numbers' events into one POST). ASCII only, so the string is the exact bytes.
 */
export const metaMessagesWebhook = (messages: readonly MetaInboundSpec[]): string => {
  const byNumber = new Map<string, MetaInboundSpec[]>();
  for (const message of messages) byNumber.set(message.phoneNumberId, [...(byNumber.get(message.phoneNumberId) ?? []), message]);
  const entry = [...byNumber].map(([phoneNumberId, items]) => ({
    id: `2${phoneNumberId.slice(1)}`,
    changes: [
      {
        field: 'messages',
        value: {
          messaging_product: 'whatsapp',
          metadata: { display_phone_number: `1555${phoneNumberId.slice(-7)}`, phone_number_id: phoneNumberId },
          contacts: [...new Set(items.map((item) => item.from))].map((waId) => ({ profile: { name: 'E2E User' }, wa_id: waId })),
          messages: items.map(metaMessage),
        },
      },
    ],
  }));
  return JSON.stringify({ object: 'whatsapp_business_account', entry });
};

export interface WhapiTextSpec {
  channelId: string;
  id: string;
  from: string;
  text: string;
}

export const whapiMessagesWebhook = (messages: readonly WhapiTextSpec[]): string => {
  const channelId = messages[0]?.channelId ?? '';
  return JSON.stringify({
    messages: messages.map((message) => ({
      id: message.id,
      from_me: false,
      type: 'text',
      chat_id: `${message.from}@s.whatsapp.net`,
      timestamp: Number(TIMESTAMP),
      source: 'mobile',
      text: { body: message.text },
      from: message.from,
      from_name: 'E2E User',
    })),
    event: { type: 'messages', event: 'post' },
    channel_id: channelId,
  });
};

export interface PostResult {
  status: number;
  body: string;
}

const post = async (url: string, body: string, headers: Record<string, string>): Promise<PostResult> => {
  const response = await fetch(url, { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers } });
  return { status: response.status, body: await response.text() };
};

/** POSTs a Meta webhook signed with `appSecret`, with the given header value (e.g. a forged one), or unsigned. */
export const postMetaWebhook = (
  gatewayUrl: string,
  body: string,
  signature: { appSecret: string } | { header: string } | 'unsigned',
): Promise<PostResult> => {
  if (signature === 'unsigned') return post(`${gatewayUrl}/webhooks/meta`, body, {});
  return post(`${gatewayUrl}/webhooks/meta`, body, {
    'x-hub-signature-256': 'header' in signature ? signature.header : metaSignatureHeader(body, signature.appSecret),
  });
};

export const postWhapiWebhook = (gatewayUrl: string, channelId: string, body: string, webhookSecret: string): Promise<PostResult> =>
  post(`${gatewayUrl}/webhooks/whapi/${encodeURIComponent(channelId)}`, body, { 'x-gateway-secret': webhookSecret });
