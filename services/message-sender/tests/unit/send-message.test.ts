import type { BrokerRequestV1, BrokerResponseV1 } from '@wagw/contracts';
import { CredentialsUnavailableError, GatewayError, SecretRecordInvalidError } from '@wagw/core/errors';
import { CachedCredentialsClient } from '@wagw/credentials/cached-credentials-client';
import { conversationGroupId, fifoId } from '@wagw/core/ids';
import { NotStartedError, ProviderRetryableError } from '../../src/errors';
import { sendMessage } from '../../src/send-message';
import { anOutboundEvent, metaChannel, NOW, SEND_TIMEOUT_MS, senderWorld, TENANT, USER, META_CHANNEL, whapiChannel, WHAPI_CHANNEL } from '../support/builders';
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
    expect(credentials.invalidated).toEqual([['meta', META_CHANNEL]]);
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

describe('sendMessage: the token refresh and the credential cache', () => {
  it('drops only the refused channel\'s cached credentials: another channel is not fetched again', async () => {
    // Prepare: the real cache over a broker that counts its calls; the Meta token is refused once
    const requests: BrokerRequestV1[] = [];
    const metaRecords = [metaChannel({ accessToken: 'EAAG-expired' }), metaChannel({ accessToken: 'EAAG-fresh' })];
    const broker = {
      invoke: async (request: BrokerRequestV1): Promise<BrokerResponseV1> => {
        requests.push(request);
        if (request.op !== 'resolveChannel' && request.op !== 'getChannelCredentials') throw new Error(`unexpected ${request.op}`);
        if (request.op === 'resolveChannel') return { ok: true, result: { tenantId: TENANT, provider: request.provider, channelId: request.channelId } };
        if (request.provider === 'whapi') return { ok: true, result: whapiChannel() };
        const fetches = requests.filter((seen) => seen.op === 'getChannelCredentials' && seen.provider === 'meta').length;
        return { ok: true, result: metaRecords[Math.min(fetches, metaRecords.length) - 1] ?? metaChannel() };
      },
    };
    const world = senderWorld();
    const deps = { ...world.deps, credentials: new CachedCredentialsClient(broker) };
    world.meta.sendAnswers = [{ outcome: 'rejected', code: '190', message: 'expired', retry: 'token-expired' }];
    await sendMessage(deps, anOutboundEvent({ provider: 'whapi', channelId: WHAPI_CHANNEL, rowId: '1' }), capturingLogger().logger);

    // Act
    await sendMessage(deps, anOutboundEvent({ rowId: '2' }), capturingLogger().logger);
    await sendMessage(deps, anOutboundEvent({ provider: 'whapi', channelId: WHAPI_CHANNEL, rowId: '3' }), capturingLogger().logger);

    // Assert
    expect(world.meta.sends.map((call) => call.token)).toEqual(['EAAG-expired', 'EAAG-fresh']);
    expect(requests.filter((request) => request.op === 'getChannelCredentials' && request.provider === 'whapi')).toHaveLength(1);
    expect(requests.filter((request) => request.op === 'resolveChannel' && request.provider === 'whapi')).toHaveLength(1);
    expect(world.results.bodies().map((body) => (body.outcome as { status: string }).status)).toEqual(['sent', 'sent', 'sent']);
  });
});

describe('sendMessage: retries run out', () => {
  const rateLimited = { outcome: 'rejected', code: '130429', message: 'Rate limit hit', retry: 'retryable', minDelaySeconds: 2, traceId: 'AtraceRL' } as const;
  const delivery = (receiveCount: number) => ({ receiveCount, remainingTimeMs: () => Number.POSITIVE_INFINITY });

  it('still throws a retryable failure before the last retried delivery (SEND_MAX_RECEIVES - 1)', async () => {
    // Prepare
    const { deps, meta, results } = senderWorld();
    meta.sendAnswers = [rateLimited];

    // Act
    const sending = sendMessage(deps, anOutboundEvent(), capturingLogger().logger, delivery(7));

    // Assert
    await expect(sending).rejects.toBeInstanceOf(ProviderRetryableError);
    expect(results.published).toEqual([]);
  });

  it('records failed SEND_RETRIES_EXHAUSTED with the provider\'s code and message on the SEND_MAX_RECEIVES-th delivery, and acknowledges', async () => {
    // Prepare
    const { deps, meta, results } = senderWorld();
    meta.sendAnswers = [rateLimited];
    const { logger, lines } = capturingLogger();

    // Act
    const sending = sendMessage(deps, anOutboundEvent(), logger, delivery(8));

    // Assert
    await expect(sending).resolves.toBeUndefined();
    expect(results.bodies()[0]?.outcome).toEqual({
      status: 'failed',
      code: 'SEND_RETRIES_EXHAUSTED',
      message: '130429: Rate limit hit (still failing on delivery 8; not retried again)',
      failedAt: NOW,
    });
    expect(lines).toEqual([
      expect.objectContaining({ level: 40, outcome: 'failed', code: 'SEND_RETRIES_EXHAUSTED', providerCode: '130429', traceId: 'AtraceRL' }),
    ]);
  });

  it('records SEND_RETRIES_EXHAUSTED early when a retry could no longer be sent within the lease', async () => {
    // Prepare: the lease ends before a retry after 1 s plus two send timeouts; the send itself still fits
    const { deps, meta, results } = senderWorld();
    meta.sendAnswers = [rateLimited];
    const leaseExpiresAt = new Date(Date.parse(NOW) + 2 * SEND_TIMEOUT_MS + 500).toISOString();

    // Act
    const sending = sendMessage(deps, anOutboundEvent({ leaseExpiresAt }), capturingLogger().logger, delivery(2));

    // Assert
    await expect(sending).resolves.toBeUndefined();
    expect(meta.sends).toHaveLength(1);
    expect(results.bodies()[0]?.outcome).toMatchObject({ status: 'failed', code: 'SEND_RETRIES_EXHAUSTED' });
  });

  it('keeps retrying while the lease leaves time for the provider\'s minimum delay (2 s here) and a send', async () => {
    // Prepare
    const { deps, meta, results } = senderWorld();
    meta.sendAnswers = [rateLimited];
    const leaseExpiresAt = new Date(Date.parse(NOW) + 2 * SEND_TIMEOUT_MS + 2_000).toISOString();

    // Act
    const sending = sendMessage(deps, anOutboundEvent({ leaseExpiresAt }), capturingLogger().logger, delivery(2));

    // Assert
    await expect(sending).rejects.toBeInstanceOf(ProviderRetryableError);
    expect(results.published).toEqual([]);
  });

  it('says the provider\'s code once when its message already starts with it', async () => {
    // Prepare: Meta's client phrases its texts "code: message"
    const { deps, meta, results } = senderWorld();
    meta.sendAnswers = [{ ...rateLimited, message: '130429: Rate limit hit (Cloud API message throughput reached)' }];

    // Act
    await sendMessage(deps, anOutboundEvent(), capturingLogger().logger, delivery(8));

    // Assert
    expect(results.bodies()[0]?.outcome).toMatchObject({
      message: '130429: Rate limit hit (Cloud API message throughput reached) (still failing on delivery 8; not retried again)',
    });
  });

  it('gives up the same way on an upload that keeps failing', async () => {
    // Prepare
    const { deps, meta, blobs, results } = senderWorld();
    blobs.add(`outbound/${TENANT}/a.jpg`, new Uint8Array([1, 2, 3]), 'image/jpeg');
    meta.uploadAnswers = [{ outcome: 'unknown', code: 'ETIMEDOUT', message: 'timeout' }];

    // Act
    await sendMessage(deps, anOutboundEvent({ message: { type: 'image', image: { s3_key: `outbound/${TENANT}/a.jpg` } } }), capturingLogger().logger, delivery(9));

    // Assert
    expect(meta.sends).toEqual([]);
    expect(results.bodies()[0]?.outcome).toMatchObject({ status: 'failed', code: 'SEND_RETRIES_EXHAUSTED', message: expect.stringContaining('ETIMEDOUT') });
  });

  it('still throws a broker that cannot be reached on the last delivery (a crash is dead-lettered, not recorded)', async () => {
    // Prepare
    const { deps, credentials, results } = senderWorld();
    credentials.failure = new CredentialsUnavailableError('throttled');

    // Act
    const sending = sendMessage(deps, anOutboundEvent(), capturingLogger().logger, delivery(8));

    // Assert
    await expect(sending).rejects.toMatchObject({ code: 'CREDENTIALS_UNAVAILABLE' });
    expect(results.published).toEqual([]);
  });
});

describe('sendMessage: the invocation\'s remaining time', () => {
  const withTime = (remaining: { ms: number }) => ({ receiveCount: 1, remainingTimeMs: () => remaining.ms });

  it('does not send again after a token refresh when the first call left too little time, and throws NOT_STARTED', async () => {
    // Prepare: the refused first call leaves less than two sends and the publish margin
    const { deps, meta, results } = senderWorld();
    const remaining = { ms: 60_000 };
    meta.sendAnswers = [{ outcome: 'rejected', code: '190', message: 'expired', retry: 'token-expired' }];
    meta.duringSend = () => {
      remaining.ms = 2 * SEND_TIMEOUT_MS;
    };
    const { logger, lines } = capturingLogger();

    // Act
    const sending = sendMessage(deps, anOutboundEvent(), logger, withTime(remaining));

    // Assert
    await expect(sending).rejects.toBeInstanceOf(NotStartedError);
    await expect(sending).rejects.toMatchObject({ code: 'NOT_STARTED', retryable: true });
    expect(meta.sends).toHaveLength(1);
    expect(results.published).toEqual([]);
    expect(lines).toContainEqual(expect.objectContaining({ outcome: 'not-started', code: 'NOT_STARTED', remainingMs: 2 * SEND_TIMEOUT_MS }));
  });

  it('publishes a held result with only the publish margin left', async () => {
    // Prepare
    const { deps, meta, results } = senderWorld();
    results.failure = new Error('SQS down');
    await expect(sendMessage(deps, anOutboundEvent(), capturingLogger().logger)).rejects.toThrow('SQS down');
    results.failure = undefined;

    // Act
    await sendMessage(deps, anOutboundEvent(), capturingLogger().logger, withTime({ ms: 2_000 }));

    // Assert
    expect(meta.sends).toHaveLength(1);
    expect(results.bodies()).toHaveLength(1);
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

  it('records failed with the broker\'s code for a channel no tenant owns, in a fixed text', async () => {
    // Prepare
    const { deps, results } = senderWorld();

    // Act
    await sendMessage(deps, anOutboundEvent({ channelId: '999' }), capturingLogger().logger);

    // Assert
    expect(results.bodies()[0]?.outcome).toEqual({ status: 'failed', code: 'CHANNEL_NOT_FOUND', message: 'CHANNEL_NOT_FOUND: meta channel 999 is not configured', failedAt: NOW });
  });

  it.each<[string, GatewayError, string, string]>([
    [
      'a broken credentials record',
      new SecretRecordInvalidError('wagw/tenants/tenant-b', 'channels[0].accessToken: Invalid input'),
      'SECRET_RECORD_INVALID',
      "SECRET_RECORD_INVALID: the channel's credentials record is invalid; the operator has been told in the logs",
    ],
    [
      'a code the sender does not know',
      new GatewayError('BROKER_POLICY_DENIED', 'tenant-b owns this channel; access denied for tenant-a'),
      'CREDENTIALS_REFUSED',
      `CREDENTIALS_REFUSED: the credentials broker refused meta channel ${META_CHANNEL}; the operator has been told in the logs`,
    ],
  ])('never copies the broker\'s message into the result for %s, and logs it for the operator', async (_case, refusal, code, message) => {
    // Prepare
    const { deps, credentials, results } = senderWorld();
    credentials.failure = refusal;
    const { logger, lines } = capturingLogger();

    // Act
    await sendMessage(deps, anOutboundEvent(), logger);

    // Assert
    expect(results.bodies()[0]?.outcome).toEqual({ status: 'failed', code, message, failedAt: NOW });
    expect(JSON.stringify(results.published)).not.toContain('tenant-b');
    expect(lines).toContainEqual(expect.objectContaining({ level: 50, code: refusal.code, err: expect.objectContaining({ message: refusal.message }) }));
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

describe('sendMessage: the error code', () => {
  it('cuts a provider code longer than the tenant\'s error_code column (64) to fit', async () => {
    // Prepare
    const { deps, whapi, results } = senderWorld();
    whapi.sendAnswers = [{ outcome: 'rejected', code: 'E'.repeat(80), message: 'odd', retry: 'permanent' }];

    // Act
    await sendMessage(deps, anOutboundEvent({ provider: 'whapi', channelId: WHAPI_CHANNEL }), capturingLogger().logger);

    // Assert
    expect(results.bodies()[0]?.outcome).toMatchObject({ status: 'failed', code: 'E'.repeat(64) });
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
