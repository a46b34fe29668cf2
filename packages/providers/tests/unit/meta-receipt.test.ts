import { ReceiptEventV1 } from '@wagw/contracts';
import { metaReceiptFields } from '../../src/meta/receipt';
import { parseMetaWebhook } from '../../src/meta/webhook';
import { fixtureBytes, fixtureNames } from '../support/fixtures';

const RECEIVED_AT = '2025-10-09T09:00:00.000Z';

const statusesOf = (name: string) => parseMetaWebhook(fixtureBytes(name)).flatMap((change) => change.statuses);

describe('metaReceiptFields', () => {
  it.each(fixtureNames(/^meta-webhook-status-.*\.json$/))('gives contract-valid receipt fields for %s', (name) => {
    // Prepare
    const [status] = statusesOf(name);

    // Act
    const fields = metaReceiptFields(status!, RECEIVED_AT);

    // Assert
    expect(fields.providerMessageId).toBe(status!.id);
    expect(fields.status).toBe(status!.status);
    expect(fields.occurredAt).toBe(new Date(Number(status!.timestamp) * 1000).toISOString());
    expect(fields.recipientId).toBe('15550001111');
    const event = { schema: 'receipt.v1', tenantId: 't', provider: 'meta', channelId: 'pn', contactId: 'c', item: status, archiveKey: 'k', receivedAt: RECEIVED_AT, ...fields };
    expect(ReceiptEventV1.safeParse(event).success).toBe(true);
  });

  it('turns a read at 1760000200 into its ISO instant', () => {
    const fields = metaReceiptFields(statusesOf('meta-webhook-status-read.json')[0]!, RECEIVED_AT);

    expect(fields).toEqual({
      providerMessageId: 'wamid.TEST-OUT-TEXT-0001',
      status: 'read',
      occurredAt: '2025-10-09T08:56:40.000Z',
      recipientId: '15550001111',
      errors: [],
    });
  });

  it('carries the errors of a failed status with the code as a string and the details', () => {
    const fields = metaReceiptFields(statusesOf('meta-webhook-status-failed.json')[0]!, RECEIVED_AT);

    expect(fields.status).toBe('failed');
    expect(fields.errors).toEqual([
      {
        code: '131047',
        title: 'Re-engagement message',
        message: 'Re-engagement message',
        details: 'Message failed to send because more than 24 hours have passed since the customer last replied to this number.',
      },
    ]);
  });

  it('keeps an unfamiliar status as sent', () => {
    expect(metaReceiptFields({ id: 'w', status: 'beamed', timestamp: '1760000000' }, RECEIVED_AT).status).toBe('beamed');
  });

  it('takes the recipient from recipient_user_id when recipient_id is absent', () => {
    expect(metaReceiptFields({ id: 'w', status: 'sent', timestamp: '1760000000', recipient_user_id: 'US.1' }, RECEIVED_AT).recipientId).toBe('US.1');
  });

  it('leaves the recipient out when there is none', () => {
    expect(metaReceiptFields({ id: 'w', status: 'sent', timestamp: '1760000000' }, RECEIVED_AT)).not.toHaveProperty('recipientId');
  });

  it.each([['missing', undefined], ['not a number', 'soon'], ['negative', '-5'], ['beyond year 9999', '999999999999']])(
    'uses the receive time when the timestamp is %s',
    (_name, timestamp) => {
      expect(metaReceiptFields({ id: 'w', status: 'sent', timestamp }, RECEIVED_AT).occurredAt).toBe(RECEIVED_AT);
    },
  );

  it('keeps an error without code, title or details as far as it goes', () => {
    const fields = metaReceiptFields({ id: 'w', status: 'failed', errors: [{ message: 'odd' }, 'not an object'] }, RECEIVED_AT);

    expect(fields.errors).toEqual([{ code: 'UNKNOWN', message: 'odd' }]);
  });
});
