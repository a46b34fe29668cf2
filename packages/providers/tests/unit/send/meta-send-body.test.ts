import { metaSendBody } from '../../../src/send/meta-cloud-provider';
import { metaSendRequests, rowMessages } from '../../support/send-fixtures';

describe('metaSendBody', () => {
  it.each(rowMessages())('rebuilds the recorded Cloud API request %s from the row message', (name, message) => {
    // Prepare
    const recorded = metaSendRequests()[name];

    // Act
    const body = metaSendBody('+15550001111', message);

    // Assert
    expect(body).toStrictEqual(recorded);
  });

  it('adds the callback data of the send options', () => {
    const body = metaSendBody('15550001111', { type: 'text', text: { body: 'x' } }, { callbackData: 'row=42' });

    expect(body).toMatchObject({ biz_opaque_callback_data: 'row=42' });
  });

  it("keeps the message's own callback data over the options'", () => {
    const body = metaSendBody('15550001111', { type: 'text', text: { body: 'x' }, biz_opaque_callback_data: 'tenant' }, { callbackData: 'row=42' });

    expect(body).toMatchObject({ biz_opaque_callback_data: 'tenant' });
  });

  it('keeps a group recipient type', () => {
    expect(metaSendBody('120363@g.us', { type: 'text', recipient_type: 'group', text: { body: 'x' } })).toMatchObject({ recipient_type: 'group' });
  });

  it('always addresses the row recipient as WhatsApp', () => {
    const body = metaSendBody('15550001111', { type: 'text', text: { body: 'x' }, to: '19998887777', messaging_product: 'sms' });

    expect(body).toMatchObject({ to: '15550001111', messaging_product: 'whatsapp' });
  });
});
