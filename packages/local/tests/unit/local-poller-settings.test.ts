import { GATEWAY_QUEUES } from '@wagw/emulator/gateway-resources';
import { LOCAL_FUNCTION_QUEUES, localPollerSettings } from '../../src/local-gateway';

describe('local poller settings', () => {
  it('hands the media function one job per invocation and the other consumers up to ten', () => {
    expect(localPollerSettings('webhook-media').batchSize).toBe(1);
    expect(localPollerSettings('inbound-writer').batchSize).toBe(10);
    expect(localPollerSettings('message-sender').batchSize).toBe(10);
    expect(localPollerSettings('status-saver').batchSize).toBe(10);
  });

  it('drives the sender from outbound-messages and the status-saver from status-events', () => {
    expect(LOCAL_FUNCTION_QUEUES['message-sender']).toBe('outbound-messages');
    expect(LOCAL_FUNCTION_QUEUES['status-saver']).toBe('status-events');
  });

  it('sends several conversations at once unless told otherwise', () => {
    expect(localPollerSettings('message-sender').concurrency).toBeGreaterThan(1);
    expect(localPollerSettings('message-sender', { concurrency: 1 }).concurrency).toBe(1);
  });

  it('keeps every function timeout below the visibility timeout of the queue it consumes', () => {
    // Act
    const media = localPollerSettings('webhook-media');
    const writer = localPollerSettings('inbound-writer');
    const sender = localPollerSettings('message-sender');
    const saver = localPollerSettings('status-saver');
    const shortCycle = localPollerSettings('inbound-writer', {}, { 'inbound-events': { visibilityTimeoutSeconds: 2 } });

    // Assert
    expect(media.functionTimeoutMs).toBeLessThan(GATEWAY_QUEUES['media-jobs'].visibilityTimeoutSeconds * 1000);
    expect(writer.functionTimeoutMs).toBeLessThan(GATEWAY_QUEUES['inbound-events'].visibilityTimeoutSeconds * 1000);
    expect(sender.functionTimeoutMs).toBeLessThan(GATEWAY_QUEUES['outbound-messages'].visibilityTimeoutSeconds * 1000);
    expect(saver.functionTimeoutMs).toBeLessThan(GATEWAY_QUEUES['status-events'].visibilityTimeoutSeconds * 1000);
    expect(shortCycle.functionTimeoutMs).toBeLessThan(2000);
  });

  it('lowers a requested function timeout that would reach the visibility timeout, and keeps a shorter one', () => {
    expect(localPollerSettings('inbound-writer', { functionTimeoutMs: 60_000 }).functionTimeoutMs).toBeLessThan(30_000);
    expect(localPollerSettings('inbound-writer', { functionTimeoutMs: 3_000, waitTimeSeconds: 1 })).toEqual({
      functionTimeoutMs: 3_000,
      waitTimeSeconds: 1,
      batchSize: 10,
      concurrency: 1,
    });
  });
});
