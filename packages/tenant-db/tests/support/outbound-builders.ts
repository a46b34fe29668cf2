import { randomUUID } from 'node:crypto';
import type { OutboundStatus } from '@wagw/contracts';
import type { ReceiptUpdate, SendResultUpdate, SentMessageClaim, StatusEventRow } from '@wagw/core';
import type { NewOutboundMessage, TenantStore } from '../../src/tenant-store';

/** The gateway's clock in these tests: seconds after a fixed instant (every time is a parameter). */
const BASE_MS = Date.parse('2025-10-09T08:00:00.000Z');
export const at = (seconds: number): Date => new Date(BASE_MS + seconds * 1000);

export const CHANNEL = '106540352242922';
export const LEASE_SECONDS = 60;

/** A text message to one recipient on the tenant's default channel; override any column. */
export const aNewOutboundMessage = (overrides: Partial<NewOutboundMessage> = {}): NewOutboundMessage => ({
  channelId: null,
  toId: '15551234567',
  message: '{"type":"text","text":{"body":"Your order has shipped"}}',
  ...overrides,
});

export const aWamid = (): string => `wamid.${randomUUID()}`;

export const aSentResult = (
  row: { id: string; attempt: number },
  overrides: Partial<Extract<SendResultUpdate, { status: 'sent' }>> = {},
): SendResultUpdate => ({
  status: 'sent',
  row,
  provider: 'meta',
  channelId: CHANNEL,
  providerMessageId: aWamid(),
  at: at(100),
  now: at(101),
  ...overrides,
});

export const aFailedResult = (
  row: { id: string; attempt: number },
  overrides: Partial<Extract<SendResultUpdate, { status: 'failed' }>> = {},
): SendResultUpdate => ({
  status: 'failed',
  row,
  provider: 'meta',
  channelId: CHANNEL,
  code: '131026',
  message: 'Message undeliverable',
  at: at(100),
  now: at(101),
  ...overrides,
});

/** Receipt times: sent 110 s < delivered 120 s < read 130 s; failed at 125 s. */
export const RECEIPT_SECONDS: Record<'sent' | 'delivered' | 'read' | 'failed', number> = { sent: 110, delivered: 120, failed: 125, read: 130 };

export const aReceipt = (providerMessageId: string, status: OutboundStatus, overrides: Partial<ReceiptUpdate> = {}): ReceiptUpdate => ({
  provider: 'meta',
  providerMessageId,
  status,
  occurredAt: at(RECEIPT_SECONDS[status as keyof typeof RECEIPT_SECONDS] ?? 140),
  errorCode: status === 'failed' ? '131047' : null,
  errorMessage: status === 'failed' ? 'Re-engagement message' : null,
  now: at(200),
  ...overrides,
});

/** A Meta receipt's claim on a row attempt (its callback data named it), at the 'sent' receipt's time. */
export const aClaim = (row: { id: string; attempt: number }, overrides: Partial<SentMessageClaim> = {}): SentMessageClaim => ({
  row,
  provider: 'meta',
  channelId: CHANNEL,
  providerMessageId: aWamid(),
  occurredAt: at(RECEIPT_SECONDS.sent),
  now: at(200),
  ...overrides,
});

export const aStatusEvent = (overrides: Partial<StatusEventRow> = {}): StatusEventRow => ({
  provider: 'meta',
  channelId: CHANNEL,
  providerMessageId: aWamid(),
  status: 'delivered',
  recipientId: '15551234567',
  occurredAt: at(120),
  errorCode: null,
  errorMessage: null,
  raw: { id: 'wamid.raw', status: 'delivered', timestamp: '1760000520', pricing: { billable: true, category: 'utility' } },
  outboundMessageId: null,
  receivedAt: at(121),
  ...overrides,
});

/**
 * Takes a freshly inserted row through the collector's path (lease → queued) at `seconds` and returns
 * its ref. The table must hold no other due row.
 */
export const queueOnlyDueRow = async (store: TenantStore, seconds: number, leaseSeconds = LEASE_SECONDS) => {
  const [leased] = await store.leaseDueMessages({ limit: 1, now: at(seconds), leaseSeconds });
  if (leased === undefined) throw new Error('no due row to queue');
  await store.markQueued([{ id: leased.id, attempt: leased.attempt }], at(seconds));
  return { id: leased.id, attempt: leased.attempt };
};

/** Inserts a row and takes it through lease → queued → send result 'sent'; returns its ref and wamid. */
export const aSentRow = async (store: TenantStore, seconds = 90) => {
  await store.insertOutboundMessage(aNewOutboundMessage());
  const ref = await queueOnlyDueRow(store, seconds);
  const result = aSentResult(ref);
  if ((await store.applySendResult(result)) !== 'applied') throw new Error('send result did not apply');
  return { ...ref, providerMessageId: (result as Extract<SendResultUpdate, { status: 'sent' }>).providerMessageId };
};
