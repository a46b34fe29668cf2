import { CredentialsUnavailableError } from '@wagw/core/errors';
import { conversationGroupId, fifoId } from '@wagw/core/ids';
import { ProviderRetryableError } from '../../src/errors';
import { sendMessage } from '../../src/send-message';
import { anOutboundEvent, metaChannel, NOW, SEND_TIMEOUT_MS, senderWorld, TENANT, USER, META_CHANNEL, WHAPI_CHANNEL } from '../support/builders';
import { capturingLogger } from '../support/fakes';

describe('sendMessage: the provider accepts', () => {
  it('sends the message with the channel token and publishes a sent result for the row attempt', async () => {
    // Prepare
    const { deps, meta, results } = senderWorld();
    meta.sendAnswers = [{ outcome: 'accepted', providerMessageId: 'wamid.OUT-1' }];
    const { logger } = capturingLogger();

    // Act
    await sendMessage(deps, anOutboundEvent({ rowId: '42', attempt: 2 }), logger);

    // Assert
    expect(meta.sends).toEqual([
      {
        token: 'EAAG-first-token-0001',
        toId: USER,
        message: { type: 'text', text: { body: 'Your order #1234 has shipped' } },
        options: { callbackData: 'outbound:42:2' },
      },
    ]);
    expect(results.published).toEqual([
      {
        queue: 'status-events',
        message: {
          body: expect.any(String),
          groupId: conversationGroupId(TENANT, META_CHANNEL, USER),
          deduplicationId: fifoId('send-result', TENANT, '42', '2'),
        },
      },
    ]);
    expect(results.bodies()).toEqual([
      {
        schema: 'send-result.v1',
        tenantId: TENANT,
        provider: 'meta',
        channelId: META_CHANNEL,
        contactId: USER,
        rowId: '42',
        attempt: 2,
        outcome: { status: 'sent', providerMessageId: 'wamid.OUT-1', acceptedAt: NOW },
      },
    ]);
  });

  it('keeps the message status Meta gives a paced template', async () => {
    // Prepare
    const { deps, meta, results } = senderWorld();
    meta.sendAnswers = [{ outcome: 'accepted', providerMessageId: 'wamid.T-1', messageStatus: 'held_for_quality_assessment' }];

    // Act
    await sendMessage(deps, anOutboundEvent(), capturingLogger().logger);

    // Assert
    expect(results.bodies()[0]?.outcome).toEqual({
      status: 'sent',
      providerMessageId: 'wamid.T-1',
      acceptedAt: NOW,
      messageStatus: 'held_for_quality_assessment',
    });
  });

  it('sends through the provider the event names', async () => {
    // Prepare
    const { deps, meta, whapi, results } = senderWorld();
    whapi.sendAnswers = [{ outcome: 'accepted', providerMessageId: 'PsqXn5SAD5v7HRA-wpdQrg-gBs' }];

    // Act
    await sendMessage(deps, anOutboundEvent({ provider: 'whapi', channelId: WHAPI_CHANNEL }), capturingLogger().logger);

    // Assert
    expect(meta.sends).toEqual([]);
    expect(whapi.sends).toHaveLength(1);
    expect(results.bodies()[0]).toMatchObject({ provider: 'whapi', channelId: WHAPI_CHANNEL, outcome: { providerMessageId: 'PsqXn5SAD5v7HRA-wpdQrg-gBs' } });
  });
});

describe('sendMessage: the provider refuses', () => {
  it('publishes a failed result with the provider code and message for a permanent error, and acknowledges', async () => {
    // Prepare
    const { deps, meta, results } = senderWorld();
    meta.sendAnswers = [
      { outcome: 'rejected', code: '131047', message: 'Re-engagement message', retry: 'permanent', traceId: 'AbCdTrace' },
    ];

    // Act
    const sending = sendMessage(deps, anOutboundEvent(), capturingLogger().logger);

    // Assert
    await expect(sending).resolves.toBeUndefined();
    expect(meta.sends).toHaveLength(1);
    expect(results.bodies()[0]?.outcome).toEqual({ status: 'failed', code: '131047', message: 'Re-engagement message', failedAt: NOW });
  });

  it('throws a retryable error carrying the provider\'s minimum delay for a rate limit, and publishes nothing', async () => {
    // Prepare
    const { deps, meta, results } = senderWorld();
    meta.sendAnswers = [{ outcome: 'rejected', code: '131056', message: 'pair rate limit', retry: 'retryable', minDelaySeconds: 6 }];

    // Act
    const sending = sendMessage(deps, anOutboundEvent(), capturingLogger().logger);

    // Assert
    await expect(sending).rejects.toBeInstanceOf(ProviderRetryableError);
    await expect(sending).rejects.toMatchObject({ retryable: true, code: 'PROVIDER_RETRYABLE', providerCode: '131056', minDelaySeconds: 6 });
    expect(results.published).toEqual([]);
  });

  it('throws a retryable error without a minimum delay for a 5xx', async () => {
    // Prepare
    const { deps, meta } = senderWorld();
    meta.sendAnswers = [{ outcome: 'rejected', code: 'HTTP_503', message: 'Service Unavailable', retry: 'retryable' }];

    // Act
    const sending = sendMessage(deps, anOutboundEvent(), capturingLogger().logger);

    // Assert
    await expect(sending).rejects.toMatchObject({ retryable: true, providerCode: 'HTTP_503', minDelaySeconds: 0 });
  });
});

describe('sendMessage: an expired token', () => {
  it('drops the cached credentials, fetches them again and sends once more with the new token', async () => {
    // Prepare
    const { deps, meta, credentials, results } = senderWorld();
    credentials.tokens = ['EAAG-expired-token', 'EAAG-fresh-token'];
    meta.sendAnswers = [
      { outcome: 'rejected', code: '190', message: 'Error validating access token', retry: 'token-expired' },
      { outcome: 'accepted', providerMessageId: 'wamid.AFTER-REFRESH' },
    ];

    // Act
    await sendMessage(deps, anOutboundEvent(), capturingLogger().logger);

    // Assert
    expect(credentials.invalidations).toBe(1);
    expect(meta.sends.map((call) => call.token)).toEqual(['EAAG-expired-token', 'EAAG-fresh-token']);
    expect(results.bodies()[0]?.outcome).toMatchObject({ status: 'sent', providerMessageId: 'wamid.AFTER-REFRESH' });
  });

  it('records failed with the provider code when the token is still expired after the one refresh', async () => {
    // Prepare
    const { deps, meta, credentials, results } = senderWorld();
    credentials.tokens = ['EAAG-expired-token', 'EAAG-also-expired'];
    meta.sendAnswers = [
      { outcome: 'rejected', code: '190', message: 'Error validating access token', retry: 'token-expired' },
      { outcome: 'rejected', code: '190', message: 'Error validating access token', retry: 'token-expired' },
    ];

    // Act
    await sendMessage(deps, anOutboundEvent(), capturingLogger().logger);

    // Assert
    expect(meta.sends).toHaveLength(2);
    expect(credentials.invalidations).toBe(1);
    expect(results.bodies()[0]?.outcome).toEqual({ status: 'failed', code: '190', message: 'Error validating access token', failedAt: NOW });
  });

  it('does not send the second time when the first call used up the lease', async () => {
    // Prepare: the first call takes so long that a second could outlive the lease
    const { deps, meta, clock, results } = senderWorld();
    meta.sendAnswers = [{ outcome: 'rejected', code: '190', message: 'expired', retry: 'token-expired' }];
    meta.duringSend = () => clock.advance(600_000 - 2 * SEND_TIMEOUT_MS + 1);
    const { logger, lines } = capturingLogger();

    // Act
    await sendMessage(deps, anOutboundEvent(), logger);

    // Assert
    expect(meta.sends).toHaveLength(1);
    expect(results.published).toEqual([]);
    expect(lines).toContainEqual(expect.objectContaining({ outcome: 'lease-expired', rowId: '42' }));
  });
});

describe('sendMessage: no answer after the request went out', () => {
  it('publishes an unknown result coded SEND_OUTCOME_UNKNOWN, acknowledges, and sends only once', async () => {
    // Prepare
    const { deps, meta, results } = senderWorld();
    meta.sendAnswers = [{ outcome: 'unknown', code: 'ETIMEDOUT', message: 'timeout of 10000ms exceeded' }];

    // Act
    const sending = sendMessage(deps, anOutboundEvent(), capturingLogger().logger);

    // Assert
    await expect(sending).resolves.toBeUndefined();
    expect(meta.sends).toHaveLength(1);
    expect(results.bodies()[0]?.outcome).toEqual({
      status: 'unknown',
      code: 'SEND_OUTCOME_UNKNOWN',
      message: expect.stringContaining('ETIMEDOUT'),
      at: NOW,
    });
  });
});

describe('sendMessage: the lease', () => {
  it('sends when the lease leaves exactly the send timeout plus its margin', async () => {
    // Prepare
    const { deps, meta } = senderWorld();
    const leaseExpiresAt = new Date(Date.parse(NOW) + 2 * SEND_TIMEOUT_MS).toISOString();

    // Act
    await sendMessage(deps, anOutboundEvent({ leaseExpiresAt }), capturingLogger().logger);

    // Assert
    expect(meta.sends).toHaveLength(1);
  });

  it('does not send, publishes nothing and acknowledges when the lease leaves less, logging a warning', async () => {
    // Prepare
    const { deps, meta, results, credentials } = senderWorld();
    const leaseExpiresAt = new Date(Date.parse(NOW) + 2 * SEND_TIMEOUT_MS - 1).toISOString();
    const { logger, lines } = capturingLogger();

    // Act
    const sending = sendMessage(deps, anOutboundEvent({ leaseExpiresAt }), logger);

    // Assert
    await expect(sending).resolves.toBeUndefined();
    expect(meta.sends).toEqual([]);
    expect(credentials.credentialFetches).toBe(0);
    expect(results.published).toEqual([]);
    expect(lines).toEqual([expect.objectContaining({ level: 40, outcome: 'lease-expired', tenantId: TENANT, rowId: '42', attempt: 1 })]);
  });

  it('does not send an already expired lease', async () => {
    // Prepare
    const { deps, meta } = senderWorld();

    // Act
    await sendMessage(deps, anOutboundEvent({ leaseExpiresAt: '2025-10-09T08:59:00.000Z' }), capturingLogger().logger);

    // Assert
    expect(meta.sends).toEqual([]);
  });
});

describe('sendMessage: the channel', () => {
  it('records failed CHANNEL_NOT_OWNED for a channel of another tenant, without fetching its credentials', async () => {
    // Prepare
    const { deps, meta, credentials, results } = senderWorld();
    credentials.own('tenant-b', metaChannel({ channelId: '200000000000002' }));

    // Act
    await sendMessage(deps, anOutboundEvent({ channelId: '200000000000002' }), capturingLogger().logger);

    // Assert
    expect(credentials.credentialFetches).toBe(0);
    expect(meta.sends).toEqual([]);
    expect(results.bodies()[0]).toMatchObject({
      channelId: '200000000000002',
      outcome: { status: 'failed', code: 'CHANNEL_NOT_OWNED', message: expect.stringContaining('does not belong to tenant tenant-a') },
    });
  });

  it('records failed with the broker\'s code for a channel no tenant owns', async () => {
    // Prepare
    const { deps, results } = senderWorld();

    // Act
    await sendMessage(deps, anOutboundEvent({ channelId: '999' }), capturingLogger().logger);

    // Assert
    expect(results.bodies()[0]?.outcome).toMatchObject({ status: 'failed', code: 'CHANNEL_NOT_FOUND' });
  });

  it('throws the broker\'s retryable error when it cannot answer now', async () => {
    // Prepare
    const { deps, credentials, results } = senderWorld();
    credentials.failure = new CredentialsUnavailableError('throttled');

    // Act
    const sending = sendMessage(deps, anOutboundEvent(), capturingLogger().logger);

    // Assert
    await expect(sending).rejects.toMatchObject({ code: 'CREDENTIALS_UNAVAILABLE', retryable: true });
    expect(results.published).toEqual([]);
  });
});

describe('sendMessage: publishing the result', () => {
  it('throws when the result cannot be published, and the redelivery publishes it without sending again', async () => {
    // Prepare
    const { deps, meta, results } = senderWorld();
    meta.sendAnswers = [{ outcome: 'accepted', providerMessageId: 'wamid.ONCE' }];
    results.failure = new Error('SQS down');
    const event = anOutboundEvent();
    await expect(sendMessage(deps, event, capturingLogger().logger)).rejects.toThrow('SQS down');
    results.failure = undefined;

    // Act
    await sendMessage(deps, event, capturingLogger().logger);

    // Assert
    expect(meta.sends).toHaveLength(1);
    expect(results.bodies()).toEqual([expect.objectContaining({ rowId: '42', outcome: expect.objectContaining({ status: 'sent', providerMessageId: 'wamid.ONCE' }) })]);
  });

  it('sends again for the next attempt of the same row (the held result belongs to its attempt only)', async () => {
    // Prepare
    const { deps, meta, results } = senderWorld();
    results.failure = new Error('SQS down');
    await expect(sendMessage(deps, anOutboundEvent({ attempt: 1 }), capturingLogger().logger)).rejects.toThrow('SQS down');
    results.failure = undefined;

    // Act
    await sendMessage(deps, anOutboundEvent({ attempt: 2 }), capturingLogger().logger);

    // Assert
    expect(meta.sends).toHaveLength(2);
    expect(results.bodies().map((body) => body.attempt)).toEqual([2]);
  });
});
