import { escapeVCardText, toVCard } from '../../../src/send/vcard';

describe('toVCard', () => {
  it('writes every field a Cloud API contact card can carry', () => {
    // Prepare
    const card = {
      name: { formatted_name: 'Dr. Jane Q. Doe, Jr.', first_name: 'Jane', last_name: 'Doe', middle_name: 'Q.', prefix: 'Dr.', suffix: 'Jr.' },
      org: { company: 'Acme; Inc', department: 'Sales', title: 'Lead' },
      phones: [
        { phone: '+1 555 000 2222', type: 'CELL', wa_id: '15550002222' },
        { phone: '+1 555 000 3333', type: 'WORK' },
      ],
      emails: [{ email: 'jane@example.invalid', type: 'WORK' }],
      urls: [{ url: 'https://example.invalid/a,b;c', type: 'HOME' }],
      birthday: '1990-01-31',
    };

    // Act
    const vcard = toVCard(card);

    // Assert
    expect(vcard.split('\n')).toEqual([
      'BEGIN:VCARD',
      'VERSION:3.0',
      'FN:Dr. Jane Q. Doe\\, Jr.',
      'N:Doe;Jane;Q.;Dr.;Jr.',
      'ORG:Acme\\; Inc;Sales',
      'TITLE:Lead',
      'TEL;type=CELL;waid=15550002222:+1 555 000 2222',
      'TEL;type=WORK:+1 555 000 3333',
      'EMAIL;type=WORK:jane@example.invalid',
      'URL;type=HOME:https://example.invalid/a,b;c',
      'BDAY:1990-01-31',
      'END:VCARD',
    ]);
  });

  it('cannot be broken out of by a value with line breaks or a crafted type', () => {
    const vcard = toVCard({
      name: { formatted_name: 'Eve\nEND:VCARD\nBEGIN:VCARD' },
      phones: [{ phone: '+1', type: 'CELL:evil\nX' }],
    });

    expect(vcard.split('\n')).toEqual(['BEGIN:VCARD', 'VERSION:3.0', 'FN:Eve\\nEND:VCARD\\nBEGIN:VCARD', 'TEL;type=CELLevilX:+1', 'END:VCARD']);
  });

  it('dials the WhatsApp id when a phone has no number of its own', () => {
    expect(toVCard({ name: { formatted_name: 'W' }, phones: [{ wa_id: '15550004444' }] })).toContain('TEL;waid=15550004444:+15550004444');
  });

  it.each([
    ['a\\b', 'a\\\\b'],
    ['a,b', 'a\\,b'],
    ['a;b', 'a\\;b'],
    ['a\r\nb', 'a\\nb'],
  ])('escapes %j as %j', (input, escaped) => {
    expect(escapeVCardText(input)).toBe(escaped);
  });
});
