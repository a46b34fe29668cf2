import type { CollectorSettings } from '../../src/collector-dependencies';
import { handleCollectorEvent, RUN_END_MARGIN_MS, runDeadline } from '../../src/handle-collector-event';
import { acmeTenant, ALICE, capturingLogger, globexTenant, settings, textMessage } from '../support/builders';
import { FakeClock, FakeCredentials, FakeLauncher, InMemoryTenantStores, RecordingPublisher } from '../support/fakes';

const SCHEDULE_EVENT = {
  version: '0',
  id: '53dc4d37-cffa-4f76-80c9-8b7d4a4d2eaa',
  'detail-type': 'Scheduled Event',
  source: 'aws.events',
  account: '123456789012',
  time: '2025-10-09T09:00:00Z',
  region: 'us-east-1',
  resources: ['arn:aws:events:us-east-1:123456789012:rule/outbound-collector'],
  detail: {},
};

const setup = (overrides: Partial<CollectorSettings> = {}) => {
  const clock = new FakeClock();
  const stores = new InMemoryTenantStores(clock);
  const launcher = new FakeLauncher();
  const publisher = new RecordingPublisher();
  const { logger, lines } = capturingLogger();
  const deps = {
    credentials: new FakeCredentials([acmeTenant(), globexTenant()]),
    stores,
    publisher,
    launcher,
    clock,
    sleep: clock.sleep,
    logger,
    settings: settings(overrides),
  };
  return { deps, clock, stores, launcher, publisher, lines };
};

describe('handleCollectorEvent', () => {
  it('fans out on the schedule event: one run per tenant, nothing collected here', async () => {
    const { deps, launcher, publisher } = setup();

    const result = await handleCollectorEvent(deps, SCHEDULE_EVENT);

    expect(result).toEqual({ run: 'fan-out', tenants: 2, launched: 2, notLaunched: [] });
    expect(launcher.launched.sort()).toEqual(['acme', 'globex']);
    expect(publisher.published).toEqual([]);
  });

  it("runs that tenant's collect loop for an event naming a tenant", async () => {
    const { deps, stores, launcher } = setup();
    stores.store('acme').insert({ toId: ALICE, message: textMessage('hi') });

    const result = await handleCollectorEvent(deps, { tenantId: 'acme' });

    expect(result).toMatchObject({ run: 'tenant', tenantId: 'acme', queued: 1, stoppedBy: 'deadline' });
    expect(launcher.launched).toEqual([]);
  });

  it('drops a tenant run request without a usable tenantId instead of fanning out', async () => {
    const { deps, launcher, lines } = setup();

    const result = await handleCollectorEvent(deps, { tenantId: '' });

    expect(result).toEqual({ run: 'rejected', reason: 'tenantId must be a non-empty string' });
    expect(launcher.launched).toEqual([]);
    expect(lines.find((line) => line.msg === 'tenant run request without a valid tenantId; ignored')).toBeDefined();
  });
});

describe('runDeadline', () => {
  it('ends the run after runSeconds', () => {
    const { deps, clock } = setup({ runSeconds: 50 });

    expect(runDeadline(deps).getTime() - clock.now().getTime()).toBe(50_000);
  });

  it("ends earlier, a margin before the function's own timeout, when that comes first", () => {
    const { deps, clock } = setup({ runSeconds: 50 });

    const deadline = runDeadline(deps, { getRemainingTimeInMillis: () => 30_000 });

    expect(deadline.getTime() - clock.now().getTime()).toBe(30_000 - RUN_END_MARGIN_MS);
  });

  it('keeps runSeconds when the function has more time left', () => {
    const { deps, clock } = setup({ runSeconds: 50 });

    const deadline = runDeadline(deps, { getRemainingTimeInMillis: () => 900_000 });

    expect(deadline.getTime() - clock.now().getTime()).toBe(50_000);
  });
});
