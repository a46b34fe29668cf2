import type { StatusStore, TenantStores } from '@wagw/core/ports';
import fc from 'fast-check';
import { saveStatusEvent } from '../../src/save-status-event';
import { metaReceipt, sendResult, sentOutcome, silentLogger, unknownOutcome } from '../support/builders';
import { fixedClock, InMemoryStatusStore } from '../support/in-memory-status-store';

const TENANT = 'tenant-a';
const ROW = '7';
const WAMID = 'wamid.TEST-OUT-RACE-0001';

/**
 * The store with every statement held until the scheduler lets it run: each statement is atomic (as one
 * autocommitted UPDATE/INSERT/SELECT under READ COMMITTED), but the statements of concurrent records
 * interleave in whatever order fast-check picks.
 */
const scheduledStores = (scheduler: fc.Scheduler, store: InMemoryStatusStore): TenantStores<StatusStore> => {
  const gate = async <T>(label: string, statement: () => Promise<T>): Promise<T> => {
    await scheduler.schedule(Promise.resolve(), label);
    return statement();
  };
  const scheduled: StatusStore = {
    recordStatusEvent: (event) => gate(`record ${event.status}`, () => store.recordStatusEvent(event)),
    applySendResult: (result) => gate('apply send result', () => store.applySendResult(result)),
    applyReceipt: (receipt) => gate(`apply ${receipt.status}`, () => store.applyReceipt(receipt)),
    claimSentMessage: (claim) => gate(`claim ${claim.providerMessageId}`, () => store.claimSentMessage(claim)),
    listStatusEvents: (provider, id) => gate('list events', () => store.listStatusEvents(provider, id)),
  };
  return { forTenant: async () => scheduled };
};

describe('a receipt racing its send result (each statement on its own, in any interleaving)', () => {
  it('is applied to the row in every interleaving', async () => {
    await fc.assert(
      fc.asyncProperty(fc.scheduler(), async (scheduler) => {
        const store = new InMemoryStatusStore(TENANT);
        store.addQueuedRow(ROW);
        const deps = { stores: scheduledStores(scheduler, store), clock: fixedClock('2025-10-09T08:54:00.000Z') };
        const logger = silentLogger();

        const both = Promise.all([
          saveStatusEvent(deps, sendResult({ tenantId: TENANT, rowId: ROW }, sentOutcome(WAMID)), logger),
          saveStatusEvent(deps, metaReceipt(TENANT, { id: WAMID, status: 'delivered', timestamp: 1760000105 }), logger),
        ]);
        await scheduler.waitFor(both);

        expect(store.row(ROW)).toMatchObject({ status: 'delivered', deliveredAt: new Date(1760000105_000) });
      }),
      { numRuns: 200 },
    );
  });

  it('ends read when delivered and read race the send result', async () => {
    await fc.assert(
      fc.asyncProperty(fc.scheduler(), async (scheduler) => {
        const store = new InMemoryStatusStore(TENANT);
        store.addQueuedRow(ROW);
        const deps = { stores: scheduledStores(scheduler, store), clock: fixedClock('2025-10-09T08:54:00.000Z') };
        const logger = silentLogger();

        const all = Promise.all([
          saveStatusEvent(deps, metaReceipt(TENANT, { id: WAMID, status: 'read', timestamp: 1760000200 }), logger),
          saveStatusEvent(deps, sendResult({ tenantId: TENANT, rowId: ROW }, sentOutcome(WAMID)), logger),
          saveStatusEvent(deps, metaReceipt(TENANT, { id: WAMID, status: 'delivered', timestamp: 1760000105 }), logger),
        ]);
        await scheduler.waitFor(all);

        expect(store.row(ROW)).toMatchObject({ status: 'read', readAt: new Date(1760000200_000) });
        expect(store.events.map((event) => event.status).sort()).toEqual(['delivered', 'read', 'sent']);
      }),
      { numRuns: 200 },
    );
  });

  it("ends read with the wamid when an unknown send result races receipts whose callback data names the attempt", async () => {
    // Two receipts claiming at once is the case that needs each receipt to apply itself again even
    // when its own claim lost: applying only after a won claim loses the other receipt's status.
    await fc.assert(
      fc.asyncProperty(fc.scheduler(), async (scheduler) => {
        const store = new InMemoryStatusStore(TENANT);
        store.addQueuedRow(ROW);
        const deps = { stores: scheduledStores(scheduler, store), clock: fixedClock('2025-10-09T08:54:00.000Z') };
        const logger = silentLogger();
        const callbackData = `outbound:${ROW}:1`;

        const all = Promise.all([
          saveStatusEvent(deps, metaReceipt(TENANT, { id: WAMID, status: 'read', timestamp: 1760000200, callbackData }), logger),
          saveStatusEvent(deps, sendResult({ tenantId: TENANT, rowId: ROW }, unknownOutcome()), logger),
          saveStatusEvent(deps, metaReceipt(TENANT, { id: WAMID, status: 'delivered', timestamp: 1760000105, callbackData }), logger),
        ]);
        await scheduler.waitFor(all);

        expect(store.row(ROW)).toMatchObject({ status: 'read', providerMessageId: WAMID, readAt: new Date(1760000200_000), errorCode: null });
      }),
      { numRuns: 200 },
    );
  });
});
