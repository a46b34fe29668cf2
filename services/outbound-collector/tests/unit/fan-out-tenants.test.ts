import { fanOutTenants } from '../../src/fan-out-tenants';
import { acmeTenant, capturingLogger, globexTenant } from '../support/builders';
import { FakeCredentials, FakeLauncher } from '../support/fakes';

const setup = () => {
  const credentials = new FakeCredentials([acmeTenant(), globexTenant(), { ...globexTenant(), tenantId: 'initech' }]);
  const launcher = new FakeLauncher();
  const { logger, lines } = capturingLogger();
  return { credentials, launcher, lines, fanOut: () => fanOutTenants({ credentials, launcher, logger }) };
};

describe('fanOutTenants', () => {
  it('starts one collect run per tenant', async () => {
    const { launcher, fanOut } = setup();

    const summary = await fanOut();

    expect(launcher.launched.sort()).toEqual(['acme', 'globex', 'initech']);
    expect(summary).toEqual({ tenants: 3, launched: 3, notLaunched: [] });
  });

  it("starts the other tenants' runs when one cannot be started, and logs that one", async () => {
    // Prepare
    const { launcher, fanOut, lines } = setup();
    launcher.failing.add('acme');

    // Act
    const summary = await fanOut();

    // Assert
    expect(launcher.launched.sort()).toEqual(['globex', 'initech']);
    expect(summary).toEqual({ tenants: 3, launched: 2, notLaunched: ['acme'] });
    expect(lines.filter((line) => line.msg === 'tenant collect run not started')).toEqual([
      expect.objectContaining({ level: 50, tenantId: 'acme', code: 'UNEXPECTED' }),
    ]);
  });

  it('starts nothing, and logs why, when the broker cannot list the tenants', async () => {
    const { credentials, launcher, fanOut, lines } = setup();
    credentials.unavailable = true;

    const summary = await fanOut();

    expect(launcher.launched).toEqual([]);
    expect(summary).toEqual({ tenants: 0, launched: 0, notLaunched: [] });
    expect(lines.find((line) => line.msg === 'tenant list unavailable; no collect run started')).toMatchObject({ code: 'CREDENTIALS_UNAVAILABLE' });
  });
});
