import { setTimeout as sleep } from 'node:timers/promises';
import type { CliTargets } from './cli-context';
import { CliError, readGatewayConfigFile } from './cli-context';
import { openTenantAdmin } from './tenant-admin';
import type { OutboundRow } from './tenant-admin';

type Print = (line: string) => void;

export interface SendOptions {
  tenant: string;
  to: string;
  /** A text message: `{"type":"text","text":{"body":…}}`. */
  text?: string;
  /** The row's `message` JSON as is (Cloud API message shape without messaging_product/to). */
  message?: string;
  /** Sending channel; default the tenant's default channel (channel_id NULL). */
  channel?: string;
  /** ISO instant: not sent before. */
  notBefore?: string;
  /** Follow the row until it is read or failed (or this many seconds pass). */
  wait?: boolean;
  waitSeconds?: number;
}

const FINAL_STATUSES = new Set(['read', 'failed']);

/** The `message` column text for the options: exactly one of --text and --message. */
export const outboundMessageText = (options: Pick<SendOptions, 'text' | 'message'>): string => {
  if ((options.text === undefined) === (options.message === undefined)) throw new CliError('pass exactly one of --text and --message');
  return options.text !== undefined ? JSON.stringify({ type: 'text', text: { body: options.text } }) : options.message!;
};

const isJson = (text: string): boolean => {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
};

const iso = (value: Date | string | null): string => (value === null ? '-' : value instanceof Date ? value.toISOString() : value);

const statusLine = (row: OutboundRow): string => {
  const at: Record<string, Date | string | null> = {
    pending: row.createdAt,
    queued: row.queuedAt,
    sent: row.sentAt,
    delivered: row.deliveredAt,
    read: row.readAt,
    failed: row.failedAt,
  };
  const error = row.status === 'failed' ? `  ${row.errorCode ?? ''}: ${row.errorMessage ?? ''}` : '';
  const wamid = row.providerMessageId === null ? '' : `  ${row.provider ?? ''} ${row.providerMessageId}`;
  return `row ${row.id}: ${row.status.padEnd(9)} ${iso(at[row.status] ?? null)}${wamid}${error}`;
};

/**
 * `pnpm gateway send`: inserts a wa_outbound_messages row the way a tenant system does (the tenant
 * store's insertOutboundMessage), so the collector picks it up like any other. With --wait it follows
 * the row's status until 'read' or 'failed'.
 */
export const sendMessage = async (targets: CliTargets, options: SendOptions, print: Print): Promise<number> => {
  const message = outboundMessageText(options);
  let notBefore: Date | undefined;
  if (options.notBefore !== undefined) {
    notBefore = new Date(options.notBefore);
    if (Number.isNaN(notBefore.getTime())) throw new CliError('--not-before must be an ISO instant, e.g. 2026-11-23T10:00:00Z');
  }
  if (!isJson(message)) print('note: --message is not valid JSON; the gateway will mark the row failed with the reason');
  const admin = openTenantAdmin(targets);
  try {
    const id = await admin.insertOutboundMessage(options.tenant, {
      channelId: options.channel ?? null,
      toId: options.to,
      message,
      ...(notBefore === undefined ? {} : { notBefore }),
    });
    print(`inserted wa_outbound_messages row ${id} into ${options.tenant} (to ${options.to}, channel ${options.channel ?? 'default'})`);
    if (!options.wait) return 0;

    const deadline = Date.now() + (options.waitSeconds ?? 60) * 1000;
    let last = '';
    for (;;) {
      const row = await admin.findOutboundMessage(options.tenant, id);
      if (row === undefined) throw new CliError(`row ${id} disappeared from ${options.tenant}`);
      if (row.status !== last) {
        last = row.status;
        print(statusLine(row));
      }
      if (FINAL_STATUSES.has(row.status)) return row.status === 'read' ? 0 : 1;
      if (Date.now() > deadline) {
        print(`still ${row.status} after ${options.waitSeconds ?? 60} s; is \`pnpm start\` running?`);
        return 1;
      }
      await sleep(250);
    }
  } finally {
    admin.close();
  }
};

const cell = (value: unknown, width: number): string => {
  const text = value === null || value === undefined ? '' : value instanceof Date ? value.toISOString() : String(value);
  const flat = text.replace(/\s+/g, ' ');
  return flat.length > width ? `${flat.slice(0, width - 1)}…` : flat.padEnd(width);
};

const OUTBOUND_COLUMNS: [key: keyof OutboundRow, header: string, width: number][] = [
  ['id', 'id', 5],
  ['status', 'status', 9],
  ['attempts', 'att', 3],
  ['channelId', 'channel_id', 16],
  ['toId', 'to_id', 14],
  ['message', 'message', 28],
  ['providerMessageId', 'provider_message_id', 30],
  ['createdAt', 'created_at', 24],
  ['sentAt', 'sent_at', 24],
  ['readAt', 'read_at', 24],
  ['errorMessage', 'error', 40],
];

/** `pnpm gateway outbound`: a tenant's (or every tenant's) wa_outbound_messages rows with status, times and error. */
export const printOutbound = async (
  targets: CliTargets,
  options: { tenant?: string; limit: number; json?: boolean },
  print: Print,
): Promise<void> => {
  const admin = openTenantAdmin(targets);
  try {
    const tenants = options.tenant !== undefined ? [options.tenant] : (await readGatewayConfigFile(targets.configPath)).tenants.map((tenant) => tenant.tenantId);
    for (const tenantId of tenants) {
      let rows: OutboundRow[];
      try {
        rows = await admin.listOutboundMessages(tenantId, options.limit);
      } catch (error) {
        // One tenant's database being down must not hide the others' rows.
        if (options.tenant !== undefined) throw error;
        print(`${tenantId}: FAILED ${(error as Error).message}`);
        continue;
      }
      if (options.json) {
        print(JSON.stringify({ tenantId, rows }, null, 2));
        continue;
      }
      print(`${tenantId}.wa_outbound_messages: ${rows.length} row(s)`);
      print(OUTBOUND_COLUMNS.map(([, header, width]) => cell(header, width)).join(' '));
      for (const row of rows) {
        const error = row.errorCode === null ? row.errorMessage : `${row.errorCode}: ${row.errorMessage ?? ''}`;
        print(OUTBOUND_COLUMNS.map(([key, , width]) => cell(key === 'errorMessage' ? error : row[key], width)).join(' '));
      }
    }
  } finally {
    admin.close();
  }
};
