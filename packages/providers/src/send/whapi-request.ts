import type { OutboundContentOf, OutboundContentV1, OutboundInteractive, OutboundMediaContent } from '@wagw/contracts';
import { isObject, optionalString, permanent } from './call-results';
import type { Rejection } from './call-results';
import { toVCard } from './vcard';

type Body = Record<string, unknown>;

/** One Whapi call: a message send (answers `{sent, message}`) or a reaction (answers `{success}`). */
export type WhapiRequest =
  | { kind: 'message'; method: 'POST'; path: string; body: Body }
  | { kind: 'reaction'; method: 'PUT' | 'DELETE'; path: string; body?: Body; targetId: string };

export type WhapiTranslation = { ok: true; request: WhapiRequest } | { ok: false; rejection: Rejection };

/** Whapi takes chat ids (`…@s.whatsapp.net`, `…@g.us`) as they are, and phone numbers as bare digits. */
export const whapiRecipient = (toId: string): string => (toId.includes('@') ? toId : toId.replace(/^\+/, ''));

/** Drops undefined fields, so a body only names what the message has. */
const compact = (body: Body): Body => Object.fromEntries(Object.entries(body).filter(([, value]) => value !== undefined));

const message = (path: string, body: Body): WhapiTranslation => ({ ok: true, request: { kind: 'message', method: 'POST', path, body: compact(body) } });

const text = (content: OutboundContentOf<'text'>): Body => ({ body: content.text.body, no_link_preview: content.text.preview_url !== true });

/** `/messages/{image|video|document|sticker|audio|voice}`: the media by public link or Whapi media id. */
const media = (content: OutboundMediaContent): { path: string; body: Body } => {
  const object = (content as Record<string, unknown>)[content.type] as Record<string, unknown>;
  const kind = content.type === 'audio' && object.voice === true ? 'voice' : content.type;
  return {
    path: `/messages/${kind}`,
    body: {
      media: optionalString(object.link) ?? optionalString(object.id),
      caption: optionalString(object.caption),
      filename: optionalString(object.filename),
      mime_type: optionalString(object.mime_type),
      // Whapi shows a voice note's length from `seconds`; the Cloud API has no such field, so only a row that sets it has it.
      seconds: kind === 'voice' && typeof object.seconds === 'number' ? object.seconds : undefined,
    },
  };
};

const location = (content: OutboundContentOf<'location'>): Body => ({
  latitude: Number(content.location.latitude),
  longitude: Number(content.location.longitude),
  name: content.location.name,
  address: content.location.address,
});

/** Cloud API header `{type:'text', text}` → Whapi `{text}`; a media header is passed on as given. */
const header = (value: OutboundInteractive['header']): Body | undefined => {
  if (value === undefined) return undefined;
  if (value.type === 'text') return { text: value.text };
  return value;
};

const CTA_BUTTON_ID = 'cta_url';

const interactiveAction = (interactive: OutboundInteractive): { type: 'button' | 'list'; action: Body } => {
  switch (interactive.type) {
    case 'button':
      return {
        type: 'button',
        action: { buttons: interactive.action.buttons.map((button) => ({ type: 'quick_reply', title: button.reply.title, id: button.reply.id })) },
      };
    case 'list':
      return {
        type: 'list',
        action: {
          list: {
            label: interactive.action.button,
            sections: interactive.action.sections.map((section) =>
              compact({
                title: section.title,
                rows: section.rows.map((row) => compact({ id: row.id, title: row.title, description: row.description })),
              }),
            ),
          },
        },
      };
    case 'cta_url':
      return {
        type: 'button',
        action: {
          buttons: [{ type: 'url', title: interactive.action.parameters.display_text, id: CTA_BUTTON_ID, url: interactive.action.parameters.url }],
        },
      };
  }
};

const interactive = (content: OutboundContentOf<'interactive'>): Body => {
  const { interactive: object } = content;
  const { type, action } = interactiveAction(object);
  return compact({ type, header: header(object.header), body: { text: object.body.text }, footer: object.footer, action });
};

const reaction = (content: OutboundContentOf<'reaction'>): WhapiTranslation => {
  const { message_id: targetId, emoji } = content.reaction;
  // encodeURIComponent leaves '.' and '..' as they are, and a URL parser resolves them as path steps.
  if (targetId === '.' || targetId === '..') {
    return { ok: false, rejection: permanent('INVALID_MESSAGE', `INVALID_MESSAGE: reaction.message_id '${targetId}' is not a message id`) };
  }
  const path = `/messages/${encodeURIComponent(targetId)}/reaction`;
  // An empty emoji removes the reaction (Cloud API semantics); Whapi removes with DELETE.
  const request: WhapiRequest =
    emoji === '' ? { kind: 'reaction', method: 'DELETE', path, targetId } : { kind: 'reaction', method: 'PUT', path, body: { emoji }, targetId };
  return { ok: true, request };
};

/**
 * A Cloud API message (OutboundContentV1) → the Whapi call that sends the same thing
 * (reference §D4). Templates have no Whapi equivalent and are refused for good.
 */
export const toWhapiRequest = (toId: string, content: OutboundContentV1): WhapiTranslation => {
  const common = { to: whapiRecipient(toId), quoted: isObject(content.context) ? optionalString(content.context.message_id) : undefined };
  switch (content.type) {
    case 'text':
      return message('/messages/text', { ...common, ...text(content) });
    case 'image':
    case 'video':
    case 'document':
    case 'sticker':
    case 'audio': {
      const { path, body } = media(content);
      return message(path, { ...common, ...body });
    }
    case 'location':
      return message('/messages/location', { ...common, ...location(content) });
    case 'contacts': {
      const cards = content.contacts.map((card) => ({ name: card.name.formatted_name, vcard: toVCard(card) }));
      const [only] = cards;
      if (cards.length === 1 && only !== undefined) return message('/messages/contact', { ...common, ...only });
      return message('/messages/contact_list', { ...common, list: cards });
    }
    case 'interactive':
      return message('/messages/interactive', { ...common, ...interactive(content) });
    case 'reaction':
      return reaction(content);
    case 'template':
      return {
        ok: false,
        rejection: permanent(
          'UNSUPPORTED_BY_PROVIDER',
          `UNSUPPORTED_BY_PROVIDER: Whapi cannot send Cloud API templates (template '${content.template.name}'); send it through a Meta channel or as a text`,
        ),
      };
  }
};
