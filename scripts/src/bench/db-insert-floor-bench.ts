import type { InboundMessageRowV1 } from '@wagw/contracts';
import type { InboundMessageStore } from '@wagw/core/ports';
import { runBounded } from './stats';

export interface DbInsertFloorResult {
  rows: number;
  concurrency: number;
  seconds: number;
  perSecond: number;
}

/** A row shaped like what the writer inserts for a Meta text message. */
const floorRow = (index: number, runId: string): InboundMessageRowV1 => {
  const id = `wamid.FLOOR-${runId}-${index}`;
  const raw = { from: '15550001111', id, timestamp: '1760000000', type: 'text', text: { body: `Floor row ${index}` } };
  return {
    provider: 'meta',
    // A channel of its own, so floor rows never meet the ingest rows measured in the same database.
    channelId: 'bench-floor',
    providerMessageId: id,
    fromId: '15550001111',
    fromName: 'Bench User',
    type: 'text',
    body: `Floor row ${index}`,
    replyToId: null,
    mediaStatus: 'none',
    mediaKey: null,
    mediaMimeType: null,
    mediaSize: null,
    mediaSha256: null,
    mediaError: null,
    payload: { body: `Floor row ${index}` },
    raw,
    sentAt: new Date(1_760_000_000_000),
    receivedAt: new Date(),
  };
};

/** The database's ceiling for the writer's statement: idempotent inserts through the tenant-db adapter. */
export const benchDbInsertFloor = async (
  store: InboundMessageStore,
  rows: number,
  concurrency: number,
  runId: string,
): Promise<DbInsertFloorResult> => {
  const prepared = Array.from({ length: rows }, (_, index) => floorRow(index, runId));
  const start = process.hrtime.bigint();
  await runBounded(rows, concurrency, async (index) => {
    const outcome = await store.insertInboundMessage(prepared[index]!);
    if (outcome.outcome !== 'inserted') throw new Error(`floor row ${index} was not inserted (${outcome.outcome})`);
  });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  return { rows, concurrency, seconds, perSecond: rows / seconds };
};
