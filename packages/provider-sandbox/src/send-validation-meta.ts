import { isHttpUrl, isNonEmptyString, isRecord, phoneDigits } from './json-values';
import type { JsonObject } from './json-values';

/** Either the message type to record, or Meta's `error_data.details` for a (#100) answer. */
export type MetaSendCheck = { ok: true; type: string } | { ok: false; details: string };

/** Whether a media id names media the sandbox holds (uploaded, or added by a test). */
export type KnownMedia = (mediaId: string) => boolean;

type Problem = string | undefined;

export const META_MESSAGE_TYPES = ['text', 'image', 'audio', 'video', 'document', 'sticker', 'location', 'contacts', 'interactive', 'template', 'reaction'] as const;
const MEDIA_TYPES = new Set(['image', 'audio', 'video', 'document', 'sticker']);
const CAPTIONED_TYPES = new Set(['image', 'video', 'document']);

const tooLong = (value: unknown, max: number): boolean => typeof value === 'string' && [...value].length > max;

const requiredText = (value: unknown, name: string, max: number): Problem => {
  if (!isNonEmptyString(value)) return `Param ${name} is required.`;
  if (tooLong(value, max)) return `Param ${name} must be at most ${max} characters long.`;
  return undefined;
};

const optionalText = (value: unknown, name: string, max: number): Problem => {
  if (value === undefined) return undefined;
  if (typeof value !== 'string') return `Param ${name} must be a string.`;
  return tooLong(value, max) ? `Param ${name} must be at most ${max} characters long.` : undefined;
};

/** `{id}` of known media or `{link}` to an http(s) URL: exactly one of them. */
const checkMediaObject = (media: unknown, name: string, knownMedia: KnownMedia): Problem => {
  if (!isRecord(media)) return `Param ${name} must be an object.`;
  const hasId = media.id !== undefined;
  const hasLink = media.link !== undefined;
  if (hasId === hasLink) return `Param ${name} must contain exactly one of 'id' or 'link'.`;
  if (hasId) {
    if (!isNonEmptyString(media.id)) return `Param ${name}['id'] must be a non-empty string.`;
    if (!knownMedia(media.id)) return `Param ${name}['id'] is not a valid media id: ${media.id}`;
  } else if (!isHttpUrl(media.link)) {
    return `Param ${name}['link'] must be a valid http(s) URL.`;
  }
  return undefined;
};

const checkText = (text: unknown): Problem => {
  if (!isRecord(text)) return "Param text must be an object with a 'body'.";
  if (text.preview_url !== undefined && typeof text.preview_url !== 'boolean') return "Param text['preview_url'] must be a boolean.";
  return requiredText(text.body, "text['body']", 4096);
};

const checkMedia = (type: string, media: unknown, knownMedia: KnownMedia): Problem => {
  const problem = checkMediaObject(media, type, knownMedia);
  if (problem !== undefined || !isRecord(media)) return problem;
  if (media.caption !== undefined && !CAPTIONED_TYPES.has(type)) return `Param ${type}['caption'] is not allowed for ${type} messages.`;
  if (media.voice !== undefined && (type !== 'audio' || typeof media.voice !== 'boolean')) return `Param ${type}['voice'] must be a boolean on audio only.`;
  return optionalText(media.caption, `${type}['caption']`, 1024) ?? optionalText(media.filename, `${type}['filename']`, 240);
};

const coordinate = (value: unknown, limit: number): boolean => {
  const number = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  return typeof number === 'number' && Number.isFinite(number) && Math.abs(number) <= limit;
};

const checkLocation = (location: unknown): Problem => {
  if (!isRecord(location)) return 'Param location must be an object.';
  if (!coordinate(location.latitude, 90)) return "Param location['latitude'] must be a number between -90 and 90.";
  if (!coordinate(location.longitude, 180)) return "Param location['longitude'] must be a number between -180 and 180.";
  return optionalText(location.name, "location['name']", 1000) ?? optionalText(location.address, "location['address']", 1000);
};

const checkContacts = (contacts: unknown): Problem => {
  if (!Array.isArray(contacts) || contacts.length === 0) return 'Param contacts must be a non-empty array.';
  for (const [index, contact] of contacts.entries()) {
    if (!isRecord(contact) || !isRecord(contact.name) || !isNonEmptyString(contact.name.formatted_name)) {
      return `Param contacts[${index}]['name']['formatted_name'] is required.`;
    }
  }
  return undefined;
};

const checkHeader = (header: unknown, allowed: readonly string[], knownMedia: KnownMedia): Problem => {
  if (header === undefined) return undefined;
  if (!isRecord(header) || typeof header.type !== 'string' || !allowed.includes(header.type)) {
    return `Param interactive['header']['type'] must be one of {${allowed.join(', ')}}.`;
  }
  if (header.type === 'text') return requiredText(header.text, "interactive['header']['text']", 60);
  return checkMediaObject(header[header.type], `interactive['header']['${header.type}']`, knownMedia);
};

const checkButtons = (action: JsonObject): Problem => {
  const buttons = action.buttons;
  if (!Array.isArray(buttons) || buttons.length === 0 || buttons.length > 3) return "Param interactive['action']['buttons'] must hold 1 to 3 buttons.";
  const ids = new Set<string>();
  for (const [index, button] of buttons.entries()) {
    const name = `interactive['action']['buttons'][${index}]`;
    if (!isRecord(button) || button.type !== 'reply' || !isRecord(button.reply)) return `Param ${name} must be {type:'reply', reply:{id, title}}.`;
    const problem = requiredText(button.reply.id, `${name}['reply']['id']`, 256) ?? requiredText(button.reply.title, `${name}['reply']['title']`, 20);
    if (problem !== undefined) return problem;
    if (ids.has(String(button.reply.id))) return `Param ${name}['reply']['id'] must be unique.`;
    ids.add(String(button.reply.id));
  }
  return undefined;
};

const checkList = (action: JsonObject): Problem => {
  const problem = requiredText(action.button, "interactive['action']['button']", 20);
  if (problem !== undefined) return problem;
  const sections = action.sections;
  if (!Array.isArray(sections) || sections.length === 0 || sections.length > 10) return "Param interactive['action']['sections'] must hold 1 to 10 sections.";
  let rowCount = 0;
  const ids = new Set<string>();
  for (const [sectionIndex, section] of sections.entries()) {
    const name = `interactive['action']['sections'][${sectionIndex}]`;
    if (!isRecord(section) || !Array.isArray(section.rows) || section.rows.length === 0) return `Param ${name}['rows'] must be a non-empty array.`;
    const titleProblem = sections.length > 1 ? requiredText(section.title, `${name}['title']`, 24) : optionalText(section.title, `${name}['title']`, 24);
    if (titleProblem !== undefined) return titleProblem;
    for (const [rowIndex, row] of section.rows.entries()) {
      const rowName = `${name}['rows'][${rowIndex}]`;
      if (!isRecord(row)) return `Param ${rowName} must be an object.`;
      const rowProblem =
        requiredText(row.id, `${rowName}['id']`, 200) ?? requiredText(row.title, `${rowName}['title']`, 24) ?? optionalText(row.description, `${rowName}['description']`, 72);
      if (rowProblem !== undefined) return rowProblem;
      if (ids.has(String(row.id))) return `Param ${rowName}['id'] must be unique.`;
      ids.add(String(row.id));
    }
    rowCount += section.rows.length;
  }
  return rowCount > 10 ? 'A list message can have at most 10 rows in total.' : undefined;
};

const checkCtaUrl = (action: JsonObject): Problem => {
  if (action.name !== 'cta_url' || !isRecord(action.parameters)) return "Param interactive['action'] must be {name:'cta_url', parameters:{display_text, url}}.";
  const problem = requiredText(action.parameters.display_text, "interactive['action']['parameters']['display_text']", 20);
  if (problem !== undefined) return problem;
  return isHttpUrl(action.parameters.url) ? undefined : "Param interactive['action']['parameters']['url'] must be a valid http(s) URL.";
};

const INTERACTIVE_RULES: Readonly<Record<string, { bodyMax: number; headers: readonly string[]; action: (action: JsonObject) => Problem }>> = {
  button: { bodyMax: 1024, headers: ['text', 'image', 'video', 'document'], action: checkButtons },
  list: { bodyMax: 4096, headers: ['text'], action: checkList },
  cta_url: { bodyMax: 1024, headers: ['text', 'image', 'video', 'document'], action: checkCtaUrl },
};

const checkInteractive = (interactive: unknown, knownMedia: KnownMedia): Problem => {
  if (!isRecord(interactive)) return 'Param interactive must be an object.';
  const rules = typeof interactive.type === 'string' ? INTERACTIVE_RULES[interactive.type] : undefined;
  if (rules === undefined) return `Param interactive['type'] must be one of {${Object.keys(INTERACTIVE_RULES).join(', ')}}.`;
  if (!isRecord(interactive.body)) return "Param interactive['body'] is required.";
  if (!isRecord(interactive.action)) return "Param interactive['action'] is required.";
  if (interactive.footer !== undefined && !isRecord(interactive.footer)) return "Param interactive['footer'] must be an object.";
  return (
    requiredText(interactive.body.text, "interactive['body']['text']", rules.bodyMax) ??
    (isRecord(interactive.footer) ? requiredText(interactive.footer.text, "interactive['footer']['text']", 60) : undefined) ??
    checkHeader(interactive.header, rules.headers, knownMedia) ??
    rules.action(interactive.action)
  );
};

const TEMPLATE_COMPONENTS = new Set(['header', 'body', 'button', 'footer', 'carousel', 'limited_time_offer']);
const TEMPLATE_MEDIA_PARAMETERS = new Set(['image', 'video', 'document']);

const checkTemplateParameter = (parameter: unknown, name: string, knownMedia: KnownMedia): Problem => {
  if (!isRecord(parameter) || !isNonEmptyString(parameter.type)) return `Param ${name}['type'] is required.`;
  if (TEMPLATE_MEDIA_PARAMETERS.has(parameter.type)) return checkMediaObject(parameter[parameter.type], `${name}['${parameter.type}']`, knownMedia);
  if (parameter.type === 'text' && typeof parameter.text !== 'string') return `Param ${name}['text'] is required.`;
  if (parameter.type === 'payload' && typeof parameter.payload !== 'string') return `Param ${name}['payload'] is required.`;
  return undefined;
};

const checkTemplate = (template: unknown, knownMedia: KnownMedia): Problem => {
  if (!isRecord(template)) return 'Param template must be an object.';
  const problem = requiredText(template.name, "template['name']", 512);
  if (problem !== undefined) return problem;
  if (!isRecord(template.language) || !isNonEmptyString(template.language.code)) return "Param template['language']['code'] is required.";
  if (template.components === undefined) return undefined;
  if (!Array.isArray(template.components)) return "Param template['components'] must be an array.";
  for (const [index, component] of template.components.entries()) {
    const name = `template['components'][${index}]`;
    if (!isRecord(component) || typeof component.type !== 'string' || !TEMPLATE_COMPONENTS.has(component.type)) {
      return `Param ${name}['type'] must be one of {${[...TEMPLATE_COMPONENTS].join(', ')}}.`;
    }
    if (component.type === 'button') {
      if (!isNonEmptyString(component.sub_type)) return `Param ${name}['sub_type'] is required.`;
      if (component.index === undefined || !/^\d+$/.test(String(component.index))) return `Param ${name}['index'] is required.`;
    }
    if (component.parameters === undefined) continue;
    if (!Array.isArray(component.parameters)) return `Param ${name}['parameters'] must be an array.`;
    for (const [parameterIndex, parameter] of component.parameters.entries()) {
      const parameterProblem = checkTemplateParameter(parameter, `${name}['parameters'][${parameterIndex}]`, knownMedia);
      if (parameterProblem !== undefined) return parameterProblem;
    }
  }
  return undefined;
};

const checkReaction = (reaction: unknown): Problem => {
  if (!isRecord(reaction)) return 'Param reaction must be an object.';
  if (!isNonEmptyString(reaction.message_id)) return "Param reaction['message_id'] is required.";
  // An empty emoji removes the reaction.
  return typeof reaction.emoji === 'string' ? undefined : "Param reaction['emoji'] is required.";
};

const checkRecipient = (body: JsonObject): Problem => {
  const recipientType = body.recipient_type ?? 'individual';
  if (recipientType !== 'individual' && recipientType !== 'group') return 'Param recipient_type must be one of {individual, group}.';
  if (!isNonEmptyString(body.to)) return 'The parameter to is required.';
  if (recipientType === 'group') return undefined;
  const digits = phoneDigits(body.to);
  const wellFormed = /^\+?[\d\s().-]+$/.test(body.to.trim()) && digits.length >= 5 && digits.length <= 20;
  return wellFormed ? undefined : "Parameter 'to' is not a valid phone number.";
};

const checkCommonFields = (body: JsonObject, type: string): Problem => {
  if (body.context !== undefined) {
    if (type === 'reaction') return 'Param context is not allowed on reaction messages.';
    if (!isRecord(body.context) || !isNonEmptyString(body.context.message_id)) return "Param context['message_id'] is required.";
  }
  if (body.biz_opaque_callback_data !== undefined) {
    if (typeof body.biz_opaque_callback_data !== 'string') return 'Param biz_opaque_callback_data must be a string.';
    if (Buffer.byteLength(body.biz_opaque_callback_data) > 512) return 'Param biz_opaque_callback_data must be at most 512 bytes.';
  }
  return undefined;
};

const checkContent = (type: string, content: unknown, knownMedia: KnownMedia): Problem => {
  if (MEDIA_TYPES.has(type)) return checkMedia(type, content, knownMedia);
  switch (type) {
    case 'text':
      return checkText(content);
    case 'location':
      return checkLocation(content);
    case 'contacts':
      return checkContacts(content);
    case 'interactive':
      return checkInteractive(content, knownMedia);
    case 'template':
      return checkTemplate(content, knownMedia);
    default:
      return checkReaction(content);
  }
};

/**
 * Checks a `POST /{version}/{phone_number_id}/messages` body the way the Cloud API does for the
 * shapes the gateway sends (reference §C1): messaging_product, a phone-number `to`, `type` (default
 * text) and the object named by it, media with exactly one of id/link and a known id.
 */
export const validateMetaSend = (body: JsonObject, knownMedia: KnownMedia): MetaSendCheck => {
  if (body.messaging_product === undefined) return { ok: false, details: 'The parameter messaging_product is required.' };
  if (body.messaging_product !== 'whatsapp') {
    return { ok: false, details: `Param messaging_product must be one of {WHATSAPP} - got "${String(body.messaging_product)}".` };
  }
  const recipientProblem = checkRecipient(body);
  if (recipientProblem !== undefined) return { ok: false, details: recipientProblem };
  const type = body.type ?? 'text';
  if (typeof type !== 'string' || !(META_MESSAGE_TYPES as readonly string[]).includes(type)) {
    return { ok: false, details: `Param type must be one of {${META_MESSAGE_TYPES.join(', ')}} - got "${String(type)}".` };
  }
  const problem = checkCommonFields(body, type) ?? (body[type] === undefined ? `The parameter ${type} is required.` : checkContent(type, body[type], knownMedia));
  return problem === undefined ? { ok: true, type } : { ok: false, details: problem };
};

/** `{messaging_product, status:'read', message_id}` marks a message read (no message is sent). */
export const isMarkAsRead = (body: JsonObject): boolean => body.status === 'read';

export const validateMarkAsRead = (body: JsonObject): Problem => {
  if (body.messaging_product !== 'whatsapp') return 'The parameter messaging_product is required.';
  return isNonEmptyString(body.message_id) ? undefined : 'The parameter message_id is required.';
};
