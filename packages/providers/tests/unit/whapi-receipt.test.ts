import { whapiReceiptFields } from '../../src/whapi/receipt';
import { parseWhapiWebhook } from '../../src/whapi/webhook';
import { fixtureBytes } from '../support/fixtures';

const RECEIVED_AT = '2025-10-09T09:00:00.000Z';

describe('whapiReceiptFields', () => {
  it.each([
    ['whapi-webhook-status.json', 'read', '2025-10-09T08:54:20.000Z'],
    ['whapi-webhook-status-delivered.json', 'delivered', '2025-10-09T08:54:15.000Z'],
  ])('reads %s', (name, status, occurredAt) => {
    // Prepare
    const [item] = parseWhapiWebhook(fixtureBytes(name)).statuses;

    // Act
    const fields = whapiReceiptFields(item!, RECEIVED_AT);

    // Assert
    expect(fields).toEqual({
      providerMessageId: 'TestWhapiOutId0001-xyz',
      status,
      occurredAt,
      recipientId: '15550001111@s.whatsapp.net',
      errors: [],
    });
  });

  it('accepts a numeric timestamp', () => {
    expect(whapiReceiptFields({ id: 'x', status: 'sent', timestamp: 1760000000 }, RECEIVED_AT).occurredAt).toBe('2025-10-09T08:53:20.000Z');
  });

  it('keeps Whapi-only statuses as sent', () => {
    expect(whapiReceiptFields({ id: 'x', status: 'pending', timestamp: 1760000000 }, RECEIVED_AT).status).toBe('pending');
  });

  it('uses the receive time when the timestamp is unusable', () => {
    expect(whapiReceiptFields({ id: 'x', status: 'sent', timestamp: { at: 1 } }, RECEIVED_AT).occurredAt).toBe(RECEIVED_AT);
  });

  it('maps errors with a numeric code to strings', () => {
    const fields = whapiReceiptFields({ id: 'x', status: 'failed', timestamp: 1, errors: [{ code: 470, message: 'window closed', details: 'more' }] }, RECEIVED_AT);

    expect(fields.errors).toEqual([{ code: '470', message: 'window closed', details: 'more' }]);
  });
});
