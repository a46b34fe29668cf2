import type { InboundMessageRowV1 } from '@wagw/contracts';
import { GatewayError, TenantDatabaseUnavailableError } from '@wagw/core/errors';
import type { Clock, InboundMessageStore, LeasedOutboundRow, LeaseOptions, TenantStores } from '@wagw/core/ports';
import { DEFAULT_FAIL_FAST_MS, FailFastTenantStores } from '../../src/fail-fast-tenant-stores';
import { InMemoryTenantStores } from '../support/in-memory-inbound-stores';

const aRow = (providerMessageId: string): InboundMessageRowV1 => ({
  provider: 'meta',
  channelId: '100000000000001',
  providerMessageId,
  fromId: '15550001111',
  fromName: null,
  type: 'text',
  body: 'hi',
  replyToId: null,
  mediaStatus: 'none',
  mediaKey: null,
  mediaMimeType: null,
  mediaSize: null,
  mediaSha256: null,
  mediaError: null,
  payload: { body: 'hi' },
  raw: { id: providerMessageId },
  sentAt: new Date('2025-10-09T08:53:24.000Z'),
  receivedAt: new Date('2025-10-09T08:53:25.000Z'),
});

/** In-memory tenant databases that count every call reaching them, per tenant. */
const countingStores = () => {
  const databases = new InMemoryTenantStores();
  const calls: Record<string, number> = {};
  const count = (tenantId: string): void => {
    calls[tenantId] = (calls[tenantId] ?? 0) + 1;
  };
  const inner: TenantStores<InboundMessageStore> = {
    forTenant: async (tenantId) => {
      count(tenantId);
      const store: InboundMessageStore = await databases.forTenant(tenantId);
      return {
        insertInboundMessage: (row) => {
          count(tenantId);
          return store.insertInboundMessage(row);
        },
        applyMediaOutcome: (key, outcome) => {
          count(tenantId);
          return store.applyMediaOutcome(key, outcome);
        },
      };
    },
  };
  return { databases, calls, inner };
};

const setup = () => {
  const { databases, calls, inner } = countingStores();
  let millis = Date.parse('2025-10-09T08:53:25.000Z');
  const clock: Clock = { now: () => new Date(millis) };
  const stores = new FailFastTenantStores(inner, { clock });
  const insert = async (tenantId: string, id: string) => (await stores.forTenant(tenantId)).insertInboundMessage(aRow(id));
  return {
    databases,
    calls,
    stores,
    insert,
    advance: (ms: number) => {
      millis += ms;
    },
  };
};

describe('FailFastTenantStores', () => {
  it("fails a tenant's next record at once after its database was found unavailable, without calling its store", async () => {
    // Prepare
    const { databases, calls, insert } = setup();
    databases.store('a').unavailable = true;
    await expect(insert('a', 'wamid.A1')).rejects.toBeInstanceOf(TenantDatabaseUnavailableError);
    const callsBefore = calls.a;

    // Act
    const second = insert('a', 'wamid.A2');

    // Assert
    await expect(second).rejects.toBeInstanceOf(TenantDatabaseUnavailableError);
    await expect(second).rejects.toMatchObject({ retryable: true, message: expect.stringContaining('tenant a') });
    expect(calls.a).toBe(callsBefore);
  });

  it("keeps writing other tenants' records while one tenant's database is down", async () => {
    // Prepare
    const { databases, insert } = setup();
    databases.store('a').unavailable = true;
    await expect(insert('a', 'wamid.A1')).rejects.toBeInstanceOf(TenantDatabaseUnavailableError);

    // Act
    const outcomes = [await insert('b', 'wamid.B1'), await insert('b', 'wamid.B2')];

    // Assert
    expect(outcomes).toEqual([{ outcome: 'inserted' }, { outcome: 'inserted' }]);
    expect(databases.rowsOf('b').map((row) => row.providerMessageId)).toEqual(['wamid.B1', 'wamid.B2']);
  });

  it('remembers a tenant whose store could not even be opened', async () => {
    // Prepare
    const { databases, calls, insert } = setup();
    databases.unreachable.add('a');
    await expect(insert('a', 'wamid.A1')).rejects.toBeInstanceOf(TenantDatabaseUnavailableError);

    // Act
    const second = insert('a', 'wamid.A2');

    // Assert
    await expect(second).rejects.toBeInstanceOf(TenantDatabaseUnavailableError);
    expect(calls.a).toBe(1);
  });

  it("tries the tenant's database again once the window has passed", async () => {
    // Prepare
    const { databases, insert, advance } = setup();
    databases.store('a').unavailable = true;
    await expect(insert('a', 'wamid.A1')).rejects.toBeInstanceOf(TenantDatabaseUnavailableError);
    databases.store('a').unavailable = false;
    advance(DEFAULT_FAIL_FAST_MS - 1);
    await expect(insert('a', 'wamid.A2')).rejects.toBeInstanceOf(TenantDatabaseUnavailableError);

    // Act
    advance(1);
    const outcome = await insert('a', 'wamid.A3');

    // Assert
    expect(outcome).toEqual({ outcome: 'inserted' });
  });

  it('does not hold other failures against the tenant', async () => {
    // Prepare
    let inserts = 0;
    const inner: TenantStores<InboundMessageStore> = {
      forTenant: async () => ({
        insertInboundMessage: async () => {
          inserts += 1;
          if (inserts === 1) throw new GatewayError('TENANT_ROW_INVALID', 'sent_at is not a valid date');
          return { outcome: 'inserted' };
        },
        applyMediaOutcome: async () => 'missing',
      }),
    };
    const stores = new FailFastTenantStores(inner, { clock: { now: () => new Date('2025-10-09T08:53:25.000Z') } });
    await expect((await stores.forTenant('a')).insertInboundMessage(aRow('wamid.A1'))).rejects.toMatchObject({ code: 'TENANT_ROW_INVALID' });

    // Act
    const next = await (await stores.forTenant('a')).insertInboundMessage(aRow('wamid.A2'));

    // Assert
    expect(next).toEqual({ outcome: 'inserted' });
    expect(inserts).toBe(2);
  });

  describe('for any store shape', () => {
    const at = (iso: string): Clock => ({ now: () => new Date(iso) });

    /** A collector-side store: a method the inbound path never had, a plain property, private state. */
    class OutboundOnlyStore {
      readonly engine = 'postgres';
      leases = 0;
      #unavailable = false;

      constructor(private readonly tenantId: string) {}

      goDown(): void {
        this.#unavailable = true;
      }

      async leaseDueMessages(options: LeaseOptions): Promise<LeasedOutboundRow[]> {
        this.leases += 1;
        if (this.#unavailable) throw new TenantDatabaseUnavailableError(this.tenantId);
        return Array.from({ length: options.limit }, (_, index) => ({
          id: String(index + 1),
          channelId: null,
          toId: '15550001111',
          message: '{"type":"text","text":{"body":"hi"}}',
          attempt: 1,
          reservedUntil: options.now,
          createdAt: options.now,
        }));
      }
    }

    const outboundSetup = () => {
      const store = new OutboundOnlyStore('a');
      const inner: TenantStores<Omit<OutboundOnlyStore, 'goDown'>> = { forTenant: async () => store };
      const stores = new FailFastTenantStores(inner, { clock: at('2025-10-09T08:53:25.000Z') });
      return { store, stores };
    };

    it('guards every method, calling it on the store itself', async () => {
      // Prepare
      const { stores } = outboundSetup();

      // Act
      const leased = await (await stores.forTenant('a')).leaseDueMessages({ limit: 2, now: new Date(0), leaseSeconds: 60 });

      // Assert
      expect(leased.map((row) => row.id)).toEqual(['1', '2']);
    });

    it('remembers an outage seen by any method and fails the next call without reaching the store', async () => {
      // Prepare
      const { store, stores } = outboundSetup();
      store.goDown();
      const options = { limit: 1, now: new Date(0), leaseSeconds: 60 };
      await expect((await stores.forTenant('a')).leaseDueMessages(options)).rejects.toBeInstanceOf(TenantDatabaseUnavailableError);

      // Act
      const second = stores.forTenant('a');

      // Assert
      await expect(second).rejects.toBeInstanceOf(TenantDatabaseUnavailableError);
      expect(store.leases).toBe(1);
    });

    it('does not compile for a store with a synchronous method, whose result the guard would turn into a promise', () => {
      // Prepare
      const inner: TenantStores<{ count(): number }> = { forTenant: async () => ({ count: () => 1 }) };

      // Act
      // @ts-expect-error count() returns a number, not a promise
      const stores = new FailFastTenantStores(inner, { clock: at('2025-10-09T08:53:25.000Z') });

      // Assert
      expect(stores).toBeInstanceOf(FailFastTenantStores);
    });

    it('passes properties that are not functions through', async () => {
      // Prepare
      const { stores } = outboundSetup();

      // Act
      const store = await stores.forTenant('a');

      // Assert
      expect(store.engine).toBe('postgres');
      expect(store.leases).toBe(0);
    });
  });
});
