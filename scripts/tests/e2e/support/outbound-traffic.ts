import type { Provider } from '@wagw/contracts';
import type { SandboxSentMessage } from '@wagw/provider-sandbox/provider-sandbox';
import type { OutboundMessageRecord } from '@wagw/tenant-db/tenant-store';
import type { TenantRows } from './tenant-rows';

/** One conversation: a tenant's channel and one recipient (one FIFO message group). */
export interface Conversation {
  tenantId: string;
  provider: Provider;
  channelId: string;
  toId: string;
}

/** A row the test inserted, with the unique marker its text carries. */
export interface StagedRow {
  tenantId: string;
  id: string;
  marker: string;
  conversation: Conversation;
}

const MARKER = /E2E-[A-Z]+-\d+/;

export const textMessage = (marker: string): string => JSON.stringify({ type: 'text', text: { body: `Hello ${marker}, this is the gateway` } });

/** The marker in a sandbox-recorded send (the text is somewhere in the provider request body). */
export const markerOf = (sent: SandboxSentMessage): string | undefined => MARKER.exec(JSON.stringify(sent.body))?.[0];

/**
 * Inserts `count` text rows round-robin over the conversations (so each conversation's rows are
 * interleaved with the others' in id order), each with a unique marker `E2E-<LABEL>-<n>`.
 */
export const stageTextRows = async (
  rows: TenantRows,
  conversations: readonly Conversation[],
  count: number,
  label: string,
): Promise<StagedRow[]> => {
  const planned = Array.from({ length: count }, (_, index) => ({ index, conversation: conversations[index % conversations.length]! }));
  const staged: StagedRow[] = [];
  // Tenants are inserted in parallel, each tenant's rows in order.
  const tenants = [...new Set(conversations.map((conversation) => conversation.tenantId))];
  await Promise.all(
    tenants.map(async (tenantId) => {
      const mine = planned.filter((entry) => entry.conversation.tenantId === tenantId);
      const markers = mine.map((entry) => `E2E-${label}-${entry.index}`);
      const ids = await rows.insertOutbound(
        tenantId,
        mine.map((entry, at) => ({ channelId: entry.conversation.channelId, toId: entry.conversation.toId, message: textMessage(markers[at]!) })),
      );
      mine.forEach((entry, at) => staged.push({ tenantId, id: ids[at]!, marker: markers[at]!, conversation: entry.conversation }));
    }),
  );
  return staged;
};

export const byTenant = (staged: readonly StagedRow[]): Map<string, StagedRow[]> => {
  const groups = new Map<string, StagedRow[]>();
  for (const row of staged) groups.set(row.tenantId, [...(groups.get(row.tenantId) ?? []), row]);
  return groups;
};

/** Waits until every staged row satisfies `done` in its tenant database; returns all of them. */
export const waitForRows = async (
  rows: TenantRows,
  staged: readonly StagedRow[],
  done: (row: OutboundMessageRecord) => boolean,
  timeoutMs?: number,
): Promise<OutboundMessageRecord[]> => {
  const results = await Promise.all(
    [...byTenant(staged)].map(([tenantId, mine]) =>
      rows.waitForOutbound(
        tenantId,
        mine.map((row) => row.id),
        done,
        timeoutMs,
      ),
    ),
  );
  return results.flat();
};

export interface SendAudit {
  /** How many accepted sends carried each marker. */
  sendsPerMarker: Map<string, number>;
  /** Staged rows the sandbox never accepted. */
  missing: string[];
  /** Markers accepted more than once. */
  duplicated: string[];
  /** Sends recorded on another channel than the row's. */
  wrongChannel: string[];
  /** Conversations whose accepted sends are not in row id order. */
  outOfOrder: string[];
}

const conversationKey = (conversation: Conversation): string => `${conversation.tenantId}/${conversation.channelId}/${conversation.toId}`;

/**
 * What the sandbox accepted for the staged rows: every row once, on its channel, and within each
 * conversation in row id order.
 */
export const auditSends = (sent: readonly SandboxSentMessage[], staged: readonly StagedRow[]): SendAudit => {
  const byMarker = new Map(staged.map((row) => [row.marker, row]));
  const sendsPerMarker = new Map<string, number>();
  const wrongChannel: string[] = [];
  const idsPerConversation = new Map<string, bigint[]>();
  for (const message of sent) {
    const marker = markerOf(message);
    const row = marker === undefined ? undefined : byMarker.get(marker);
    if (marker === undefined || row === undefined) continue;
    sendsPerMarker.set(marker, (sendsPerMarker.get(marker) ?? 0) + 1);
    if (message.provider !== row.conversation.provider || message.channelId !== row.conversation.channelId) wrongChannel.push(marker);
    const key = conversationKey(row.conversation);
    idsPerConversation.set(key, [...(idsPerConversation.get(key) ?? []), BigInt(row.id)]);
  }
  const outOfOrder = [...idsPerConversation].filter(([, ids]) => ids.some((id, at) => at > 0 && id <= ids[at - 1]!)).map(([key]) => key);
  return {
    sendsPerMarker,
    missing: staged.filter((row) => !sendsPerMarker.has(row.marker)).map((row) => row.marker),
    duplicated: [...sendsPerMarker].filter(([, count]) => count > 1).map(([marker]) => marker),
    wrongChannel,
    outOfOrder,
  };
};
