import type { DatabaseSettingsV1 } from '@wagw/contracts';
import type { TenantStore, TenantStoreOptions } from '../../src/tenant-store';

/** A TenantStore that only records how it was opened and whether it was closed. */
export interface FakeTenantStore extends TenantStore {
  readonly settings: DatabaseSettingsV1;
  readonly tenantId: string | undefined;
  closed: boolean;
}

const unused = (): never => {
  throw new Error('not used by these tests');
};

export const fakeStoreFactory = () => {
  const opened: FakeTenantStore[] = [];
  const create = async (settings: DatabaseSettingsV1, options: TenantStoreOptions): Promise<FakeTenantStore> => {
    const store: FakeTenantStore = {
      engine: settings.engine,
      settings,
      tenantId: options.tenantId,
      closed: false,
      insertInboundMessage: unused,
      applyMediaOutcome: unused,
      listInboundMessages: unused,
      findInboundMessage: unused,
      leaseDueMessages: unused,
      markQueued: unused,
      releaseLeases: unused,
      failOutboundMessage: unused,
      reapExpiredLeases: unused,
      recordStatusEvent: unused,
      applySendResult: unused,
      applyReceipt: unused,
      claimSentMessage: unused,
      listStatusEvents: unused,
      insertOutboundMessage: unused,
      listOutboundMessages: unused,
      findOutboundMessage: unused,
      listStatusEventRecords: unused,
      migrate: unused,
      close: async () => {
        store.closed = true;
      },
    };
    opened.push(store);
    return store;
  };
  return { opened, create };
};
