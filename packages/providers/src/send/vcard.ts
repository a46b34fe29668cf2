import type { OutboundContactCard } from '@wagw/contracts';

/** RFC 2426 text value: backslash, newline, comma and semicolon escaped. */
export const escapeVCardText = (value: string): string =>
  value.replace(/\\/g, '\\\\').replace(/\r\n|\r|\n/g, '\\n').replace(/,/g, '\\,').replace(/;/g, '\\;');

/** A TYPE parameter value ("CELL", "WORK"): letters, digits and dashes only, so it cannot break the line. */
const typeParam = (type: string | undefined): string => {
  const clean = (type ?? '').replace(/[^A-Za-z0-9-]/g, '');
  return clean === '' ? '' : `;type=${clean}`;
};

/** A URI value keeps its commas and semicolons; it only has to stay on one line. */
const singleLine = (value: string): string => value.replace(/[\r\n]+/g, '');

const present = (value: string | undefined): value is string => value !== undefined && value !== '';

/**
 * A Cloud API contact card as a vCard 3.0, the way WhatsApp clients read shared contacts: FN, N, ORG,
 * TITLE, TEL (with `waid` so the app offers to message the number), EMAIL, URL, BDAY. Lines end in
 * "\n" as in the vCards WhatsApp itself sends.
 */
export const toVCard = (card: OutboundContactCard): string => {
  const { name } = card;
  const lines = ['BEGIN:VCARD', 'VERSION:3.0', `FN:${escapeVCardText(name.formatted_name)}`];
  const structured = [name.last_name, name.first_name, name.middle_name, name.prefix, name.suffix];
  if (structured.some(present)) lines.push(`N:${structured.map((part) => escapeVCardText(part ?? '')).join(';')}`);
  const org = card.org;
  if (org !== undefined && (present(org.company) || present(org.department))) {
    lines.push(`ORG:${[org.company, org.department].filter(present).map(escapeVCardText).join(';')}`);
  }
  if (org !== undefined && present(org.title)) lines.push(`TITLE:${escapeVCardText(org.title)}`);
  for (const phone of card.phones ?? []) {
    const number = phone.phone ?? (present(phone.wa_id) ? `+${phone.wa_id}` : undefined);
    if (!present(number)) continue;
    const waid = present(phone.wa_id) ? `;waid=${phone.wa_id.replace(/\D/g, '')}` : '';
    lines.push(`TEL${typeParam(phone.type)}${waid}:${escapeVCardText(number)}`);
  }
  for (const email of card.emails ?? []) {
    if (present(email.email)) lines.push(`EMAIL${typeParam(email.type)}:${escapeVCardText(email.email)}`);
  }
  for (const url of card.urls ?? []) {
    if (present(url.url)) lines.push(`URL${typeParam(url.type)}:${singleLine(url.url)}`);
  }
  if (present(card.birthday)) lines.push(`BDAY:${escapeVCardText(card.birthday)}`);
  lines.push('END:VCARD');
  return lines.join('\n');
};
