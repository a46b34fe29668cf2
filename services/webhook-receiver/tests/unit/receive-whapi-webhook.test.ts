import { InboundMessageEventV1, ParkedEventV1, ReceiptEventV1 } from '@wagw/contracts';
import { SecretRecordInvalidError } from '@wagw/core/errors';
import { conversationGroupId, parkedEventKey, rawArchiveKey, sha256Hex } from '@wagw/core/ids';
import { handleHttpRequest } from '../../src/http/handle-http-request';
import { responseJson, whapiPost } from '../support/http-events';
import { receiverWorld } from '../support/receiver-fakes';
import type { ReceiverWorld } from '../support/receiver-fakes';
import { fixtureText } from '../support/shared-fixtures';

const CHANNEL = 'TESTCH-ABCDE';
const SECRET = 'whapi-webhook-secret-1';
const CHAT = '15550001111@s.whatsapp.net';

/** `secret: null` sends no X-Gateway-Secret header. */
const post = (world: ReceiverWorld, raw: string, secret: string | null = SECRET, channelId = CHANNEL) =>
  handleHttpRequest(world.context, whapiPost(channelId, raw, secret ?? undefined));

const expectNothingStored = (world: ReceiverWorld): void => {
  expect(world.blobs.objects.size).toBe(0);
  expect(world.publisher.published).toEqual([]);
};

const forChannel = (raw: string, channelId: string): string => raw.replace(`"channel_id": "${CHANNEL}"`, `"channel_id": "${channelId}"`);

describe('POST /webhooks/whapi/{channelId} with the channel secret', () => {
  it('archives the body and queues the message in its conversation group', async () => {
    // Prepare
    const world = receiverWorld();
    const raw = fixtureText('whapi-webhook-message.json');

    // Act
    const response = await post(world, raw);

    // Assert
    expect(response.statusCode).toBe(200);
    expect(responseJson(response)).toEqual({ status: 'ok', messages: 1, statuses: 0, parked: 0, echoesSkipped: 0, ignored: 0 });
    const archiveKey = rawArchiveKey('whapi', Buffer.from(raw, 'utf8'));
    expect(world.blobs.keysUnder('')).toEqual([archiveKey]);
    const [message] = world.publisher.messagesOn('inbound-events');
    expect(message!.groupId).toBe(conversationGroupId('tenant-w', CHANNEL, CHAT));
    expect(message!.deduplicationId).toBe(`msg:whapi:${CHANNEL}:TestWhapiMsgId0001-abc`);
    expect(InboundMessageEventV1.parse(JSON.parse(message!.body))).toMatchObject({
      tenantId: 'tenant-w',
      provider: 'whapi',
      channelId: CHANNEL,
      providerMessageId: 'TestWhapiMsgId0001-abc',
      contactId: CHAT,
      item: { id: 'TestWhapiMsgId0001-abc', type: 'text', text: { body: 'Hello from Whapi' } },
      archiveKey,
    });
  });

  it.each(['whapi-webhook-status.json', 'whapi-webhook-status-delivered.json'])('queues the receipt of %s on status-events', async (name) => {
    const world = receiverWorld();

    const response = await post(world, fixtureText(name));

    expect(response.statusCode).toBe(200);
    const [message] = world.publisher.messagesOn('status-events');
    const receipt = ReceiptEventV1.parse(JSON.parse(message!.body));
    expect(message!.groupId).toBe(conversationGroupId('tenant-w', CHANNEL, CHAT));
    expect(message!.deduplicationId).toBe(`receipt:whapi:${CHANNEL}:TestWhapiOutId0001-xyz:${receipt.status}`);
    expect(receipt).toMatchObject({ tenantId: 'tenant-w', providerMessageId: 'TestWhapiOutId0001-xyz', recipientId: CHAT });
  });

  it.each(['whapi-webhook-message-image.json', 'whapi-webhook-message-reaction.json', 'whapi-webhook-message-reply-buttons.json'])(
    'queues %s',
    async (name) => {
      const world = receiverWorld();

      const response = await post(world, fixtureText(name));

      expect(response.statusCode).toBe(200);
      expect(world.publisher.messagesOn('inbound-events')).toHaveLength(1);
    },
  );

  it('skips a from_me echo, keeps it in the raw archive and says so in the log', async () => {
    const world = receiverWorld();

    const response = await post(world, fixtureText('whapi-webhook-message-from-me.json'));

    expect(response.statusCode).toBe(200);
    expect(responseJson(response)).toMatchObject({ messages: 0, echoesSkipped: 1 });
    expect(world.publisher.published).toEqual([]);
    expect(world.blobs.keysUnder('raw/whapi/')).toHaveLength(1);
    expect(world.logs).toContainEqual(
      expect.objectContaining({ msg: 'echo skipped', tenantId: 'tenant-w', channelId: CHANNEL, providerMessageId: 'TestWhapiOutId0001-xyz' }),
    );
  });

  it('queues messages and statuses that arrive together and acknowledges other keys', async () => {
    const world = receiverWorld();
    const raw = JSON.stringify({
      channel_id: CHANNEL,
      messages: [
        { id: 'in-1', from_me: false, chat_id: CHAT, type: 'text', text: { body: 'a' } },
        { id: 'out-1', from_me: true, chat_id: CHAT, type: 'text', text: { body: 'b' } },
        { id: 'in-2', from_me: false, chat_id: '120363000000000000@g.us', type: 'text', text: { body: 'c' } },
      ],
      statuses: [{ id: 'out-0', status: 'read', recipient_id: CHAT, timestamp: 1760000000 }],
      chats_updates: [{ id: CHAT }],
    });

    const response = await post(world, raw);

    expect(responseJson(response)).toEqual({ status: 'ok', messages: 2, statuses: 1, parked: 0, echoesSkipped: 1, ignored: 1 });
    expect(world.publisher.bodiesOn('inbound-events').map((event) => event.providerMessageId)).toEqual(['in-1', 'in-2']);
  });

  it('finds the X-Gateway-Secret header whatever the case of its name', async () => {
    const world = receiverWorld();
    const event = whapiPost(CHANNEL, fixtureText('whapi-webhook-message.json'), undefined);
    event.headers['X-Gateway-Secret'] = SECRET;

    const response = await handleHttpRequest(world.context, event);

    expect(response.statusCode).toBe(200);
  });
});

describe('POST /webhooks/whapi/{channelId} refusals', () => {
  it('refuses a wrong secret with 401 and stores nothing', async () => {
    const world = receiverWorld();

    const response = await post(world, fixtureText('whapi-webhook-message.json'), 'guessed');

    expect(response.statusCode).toBe(401);
    expect(responseJson(response)).toEqual({ error: { code: 'SIGNATURE_INVALID', message: 'X-Gateway-Secret does not match the channel' } });
    expectNothingStored(world);
  });

  it('refuses a missing secret with 401 and stores nothing', async () => {
    const world = receiverWorld();

    const response = await post(world, fixtureText('whapi-webhook-message.json'), null);

    expect(response.statusCode).toBe(401);
    expectNothingStored(world);
  });

  it('refuses with 403 a body whose channel_id is not the channel of the path', async () => {
    const world = receiverWorld();

    const response = await post(world, forChannel(fixtureText('whapi-webhook-message.json'), 'OTHER-CHANNEL'));

    expect(response.statusCode).toBe(403);
    expect(responseJson(response)).toMatchObject({ error: { code: 'CHANNEL_MISMATCH' } });
    expectNothingStored(world);
  });

  it('archives a malformed body and answers 400', async () => {
    const world = receiverWorld();

    const response = await post(world, '{"channel_id":"TESTCH-ABCDE","messages":[{"type":"text"}]}');

    expect(response.statusCode).toBe(400);
    expect(responseJson(response)).toEqual({ error: { code: 'WEBHOOK_MALFORMED', message: 'messages[0].id is missing or not a non-empty string' } });
    expect(world.blobs.keysUnder('raw/whapi/')).toHaveLength(1);
    expect(world.publisher.published).toEqual([]);
  });

  it('answers 503 when the archive fails, publishing nothing', async () => {
    const world = receiverWorld();
    world.blobs.failPutsUnder = 'raw/';

    const response = await post(world, fixtureText('whapi-webhook-message.json'));

    expect(response.statusCode).toBe(503);
    expect(world.publisher.published).toEqual([]);
  });

  it('answers 503, storing nothing, when the channel record is broken: the secret cannot be checked until it is repaired', async () => {
    // Prepare
    const world = receiverWorld();
    const refusal = () => Promise.reject(new SecretRecordInvalidError('wagw/tenants/tenant-w', 'channels.0.webhookSecret: Invalid input'));
    world.credentials.resolveChannel = refusal;
    world.credentials.getChannelCredentials = refusal;

    // Act
    const response = await post(world, fixtureText('whapi-webhook-message.json'));

    // Assert
    expect(response.statusCode).toBe(503);
    expect(response.headers).toMatchObject({ 'retry-after': '1' });
    expectNothingStored(world);
    expect(world.logs).toContainEqual(expect.objectContaining({ msg: 'webhook not stored: the provider will retry', code: 'CHANNEL_RECORD_UNUSABLE' }));
  });

  it('answers 503 when publishing fails', async () => {
    const world = receiverWorld();
    world.publisher.failWith = new Error('throttled');

    const response = await post(world, fixtureText('whapi-webhook-status.json'));

    expect(response.statusCode).toBe(503);
  });
});

describe('POST /webhooks/whapi/{channelId} for a channel no tenant owns', () => {
  const UNKNOWN = 'NEWCH-00001';
  const PRESENTED = 'secret-set-before-onboarding';

  it('parks every event with the hash of the presented secret, never the secret, and answers 200', async () => {
    // Prepare
    const world = receiverWorld();
    const raw = JSON.stringify({
      channel_id: UNKNOWN,
      event: { type: 'messages', event: 'post' },
      messages: [
        { id: 'in-1', from_me: false, chat_id: CHAT, type: 'text', text: { body: 'hello' } },
        { id: 'echo-1', from_me: true, chat_id: CHAT, type: 'text', text: { body: 'ours' } },
      ],
      statuses: [{ id: 'out-1', status: 'delivered', recipient_id: CHAT, timestamp: '1760000000' }],
    });

    // Act
    const response = await post(world, raw, PRESENTED, UNKNOWN);

    // Assert
    expect(response.statusCode).toBe(200);
    expect(responseJson(response)).toMatchObject({ messages: 0, statuses: 0, parked: 2, echoesSkipped: 1 });
    expect(world.publisher.published).toEqual([]);
    const messageKey = parkedEventKey('whapi', UNKNOWN, `msg:whapi:${UNKNOWN}:in-1`, sha256Hex(PRESENTED));
    const receiptKey = parkedEventKey('whapi', UNKNOWN, `receipt:whapi:${UNKNOWN}:out-1:delivered`, sha256Hex(PRESENTED));
    expect(world.blobs.keysUnder('parked/')).toEqual([messageKey, receiptKey].sort());
    for (const key of [messageKey, receiptKey]) {
      const parked = ParkedEventV1.parse(world.blobs.json(key));
      expect(parked).toMatchObject({ reason: 'unknown-channel', provider: 'whapi', channelId: UNKNOWN, presentedSecretSha256: sha256Hex(PRESENTED) });
      expect(parked.event).not.toHaveProperty('tenantId');
    }
    expect(world.blobs.keysUnder('raw/whapi/')).toHaveLength(1);
    const stored = [...world.blobs.objects.entries()].filter(([key]) => key.startsWith('parked/'));
    for (const [, object] of stored) expect(Buffer.from(object.body).toString('utf8')).not.toContain(PRESENTED);
    expect(world.rawLogs.join('\n')).not.toContain(PRESENTED);
  });

  it('keeps an event parked with one secret when a sender with another secret sends the same message id', async () => {
    // Prepare
    const world = receiverWorld();
    const message = (body: string) =>
      JSON.stringify({ channel_id: UNKNOWN, messages: [{ id: 'in-1', from_me: false, chat_id: CHAT, type: 'text', text: { body } }] });
    await post(world, message('genuine'), PRESENTED, UNKNOWN);

    // Act
    const response = await post(world, message('forged'), 'guessed-secret', UNKNOWN);

    // Assert
    expect(response.statusCode).toBe(200);
    const genuineKey = parkedEventKey('whapi', UNKNOWN, `msg:whapi:${UNKNOWN}:in-1`, sha256Hex(PRESENTED));
    expect(world.blobs.keysUnder('parked/')).toHaveLength(2);
    expect(ParkedEventV1.parse(world.blobs.json(genuineKey)).event.item).toMatchObject({ text: { body: 'genuine' } });
  });

  it('records where each parked event sat in its webhook body', async () => {
    // Prepare
    const world = receiverWorld();
    const raw = JSON.stringify({
      channel_id: UNKNOWN,
      messages: [
        { id: 'in-1', from_me: false, chat_id: CHAT, type: 'text', text: { body: 'first' } },
        { id: 'in-2', from_me: false, chat_id: CHAT, type: 'text', text: { body: 'second' } },
      ],
    });

    // Act
    await post(world, raw, PRESENTED, UNKNOWN);

    // Assert
    const parked = world.blobs.keysUnder('parked/').map((key) => ParkedEventV1.parse(world.blobs.json(key)));
    expect(parked.map((event) => [event.event.providerMessageId, event.sequence]).sort()).toEqual([
      ['in-1', 0],
      ['in-2', 1],
    ]);
  });

  it('refuses a malformed body for an unknown channel with 400 and stores nothing', async () => {
    const world = receiverWorld();

    const response = await post(world, `{"channel_id":"${UNKNOWN}","messages":[{"type":"text"}]}`, PRESENTED, UNKNOWN);

    expect(response.statusCode).toBe(400);
    expect(responseJson(response)).toMatchObject({ error: { code: 'WEBHOOK_MALFORMED' } });
    expectNothingStored(world);
  });

  it('refuses an unknown channel without any secret with 401, storing nothing', async () => {
    const world = receiverWorld();

    const response = await post(world, forChannel(fixtureText('whapi-webhook-message.json'), UNKNOWN), null, UNKNOWN);

    expect(response.statusCode).toBe(401);
    expectNothingStored(world);
  });

  it('refuses with 403 an unknown channel whose body names another channel', async () => {
    const world = receiverWorld();

    const response = await post(world, fixtureText('whapi-webhook-message.json'), PRESENTED, UNKNOWN);

    expect(response.statusCode).toBe(403);
    expectNothingStored(world);
  });
});

describe('POST /webhooks/whapi/{channelId} logging', () => {
  it('never logs the channel secret', async () => {
    const world = receiverWorld();

    await post(world, fixtureText('whapi-webhook-message.json'));
    await post(world, fixtureText('whapi-webhook-message.json'), 'wrong-secret-value');
    await post(world, 'garbage');

    expect(world.rawLogs.length).toBeGreaterThan(0);
    expect(world.rawLogs.join('\n')).not.toContain(SECRET);
    expect(world.rawLogs.join('\n')).not.toContain('wrong-secret-value');
  });
});
