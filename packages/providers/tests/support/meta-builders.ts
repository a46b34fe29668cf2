type Json = Record<string, unknown>;

export const metaText = (id: string, from: string, body = 'hi'): Json => ({
  from,
  id,
  timestamp: '1760000000',
  type: 'text',
  text: { body },
});

export const metaStatus = (id: string, status: string, recipientId = '15550001111'): Json => ({
  id,
  status,
  timestamp: '1760000100',
  recipient_id: recipientId,
});

export const metaChange = (phoneNumberId: string, value: Json, field = 'messages'): Json => ({
  field,
  value: {
    messaging_product: 'whatsapp',
    metadata: { display_phone_number: '15550000001', phone_number_id: phoneNumberId },
    ...value,
  },
});

export const metaEnvelope = (...entries: { wabaId: string; changes: Json[] }[]): Json => ({
  object: 'whatsapp_business_account',
  entry: entries.map((entry) => ({ id: entry.wabaId, changes: entry.changes })),
});
