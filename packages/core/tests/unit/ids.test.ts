import { conversationGroupId, fifoId, mediaObjectKey, parkedEventKey, rawArchiveKey, sha256Hex } from '../../src/ids';

describe('fifoId', () => {
  it('joins short printable parts with colons', () => {
    expect(fifoId('msg', 'meta', '100000000000001', 'wamid.ABC')).toBe('msg:meta:100000000000001:wamid.ABC');
  });

  it('hashes ids longer than the 128 characters SQS allows, stably', () => {
    const bsuid = 'U'.repeat(256);

    const id = fifoId('acme', '100000000000001', bsuid);

    expect(id).toHaveLength(64);
    expect(id).toBe(fifoId('acme', '100000000000001', bsuid));
    expect(id).not.toBe(fifoId('acme', '100000000000001', `${bsuid}x`));
  });

  it('hashes ids with characters SQS rejects', () => {
    expect(fifoId('acme', 'José')).toBe(sha256Hex('acme:José'));
  });
});

describe('conversationGroupId', () => {
  it('separates tenants, channels and contacts', () => {
    const ids = new Set([
      conversationGroupId('acme', 'ch1', '15550001111'),
      conversationGroupId('globex', 'ch1', '15550001111'),
      conversationGroupId('acme', 'ch2', '15550001111'),
      conversationGroupId('acme', 'ch1', '15550002222'),
    ]);
    expect(ids.size).toBe(4);
  });

  it('still yields a valid group id when the contact is unknown', () => {
    expect(conversationGroupId('acme', 'ch1', '')).toBe('acme:ch1:-');
  });
});

describe('object keys', () => {
  it('addresses raw bodies by content', () => {
    const body = new TextEncoder().encode('{"object":"whatsapp_business_account"}');
    expect(rawArchiveKey('meta', body)).toBe(`raw/meta/${sha256Hex(body)}.json`);
  });

  it('keeps slashes of message ids out of media keys', () => {
    const key = mediaObjectKey('acme', 'meta', '100000000000001', 'wamid.a/b+c=', '.jpg');
    expect(key).toMatch(/^media\/acme\/meta\/100000000000001\/[0-9a-f]{40}\.jpg$/);
  });

  it('parks the same event from two senders under two keys, so one cannot overwrite the other', () => {
    const dedupId = 'msg:whapi:NEWCH-1:in-1';

    const genuine = parkedEventKey('whapi', 'NEWCH-1', dedupId, sha256Hex('real-secret'));
    const forged = parkedEventKey('whapi', 'NEWCH-1', dedupId, sha256Hex('guessed'));

    expect(genuine).not.toBe(forged);
    expect(genuine).toBe(parkedEventKey('whapi', 'NEWCH-1', dedupId, sha256Hex('real-secret')));
  });

  it('keeps parked keys under their provider and channel, whatever the sender', () => {
    expect(parkedEventKey('meta', '100000000000001', 'msg:meta:1:wamid.A', 'app-1,app-2')).toMatch(/^parked\/meta\/100000000000001\/[0-9a-f]{40}\.json$/);
  });
});
