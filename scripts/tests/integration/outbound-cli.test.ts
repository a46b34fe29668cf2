import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { GatewayConfigV1 } from '@wagw/contracts';
import { createTenantStore } from '@wagw/tenant-db/create-tenant-store';
import { migrateTenantDatabase } from '@wagw/tenant-db/migrate-tenant-database';
import type { CliTargets } from '../../src/cli/cli-context';
import { outboundMessageText, printOutbound, sendMessage } from '../../src/cli/outbound-commands';
import { createDatabase, dropDatabase, uniqueDatabaseName } from '../e2e/support/test-postgres';

jest.setTimeout(60_000);

/**
 * `pnpm gateway send` and `pnpm gateway outbound` without a running local gateway: the CLI opens the
 * tenant database itself with the config's settings (what an operator does against a real database).
 */
describe('ops CLI: send and outbound, straight against a tenant database', () => {
  let dir: string;
  let databaseName: string;
  let databaseUrl: string;
  let targets: CliTargets;

  const run = async (command: (print: (line: string) => void) => Promise<number | void>): Promise<{ exitCode: number; output: string[] }> => {
    const output: string[] = [];
    const exitCode = (await command((line) => output.push(line))) ?? 0;
    return { exitCode, output };
  };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'wagw-outbound-cli-'));
    databaseName = uniqueDatabaseName('wagw_cli_outbound');
    databaseUrl = await createDatabase(databaseName);
    await migrateTenantDatabase({ engine: 'postgres', url: databaseUrl }, { tenantId: 'acme' });
    const config: GatewayConfigV1 = {
      metaApps: [],
      tenants: [
        {
          tenantId: 'acme',
          database: { engine: 'postgres', url: databaseUrl },
          channels: [{ provider: 'whapi', channelId: 'CLI-WHAPI', apiToken: 'cli-token', webhookSecret: 'cli-secret', baseUrl: 'http://127.0.0.1:9' }],
        },
        // A tenant whose database does not answer: listing every tenant must still show acme's rows.
        {
          tenantId: 'offline',
          database: { engine: 'postgres', url: 'postgres://postgres@127.0.0.1:1/offline' },
          channels: [{ provider: 'whapi', channelId: 'CLI-OFFLINE', apiToken: 'x', webhookSecret: 'y', baseUrl: 'http://127.0.0.1:9' }],
        },
      ],
    };
    const configPath = join(dir, 'gateway.json');
    await writeFile(configPath, JSON.stringify(config));
    targets = {
      stateDir: dir,
      local: undefined,
      gatewayUrl: 'http://127.0.0.1:9',
      awsEndpoint: undefined,
      lambdaEndpoint: undefined,
      queueUrls: {},
      dlqUrls: {},
      bucket: undefined,
      brokerFunction: 'credentials-broker',
      configPath,
    };
  });

  afterAll(async () => {
    await dropDatabase(databaseName);
    await rm(dir, { recursive: true, force: true });
  });

  it('inserts a pending text row as a tenant system would', async () => {
    // Act
    const result = await run((print) => sendMessage(targets, { tenant: 'acme', to: '15550001111', text: 'Hi from the CLI' }, print));

    // Assert
    expect(result.exitCode).toBe(0);
    expect(result.output[0]).toMatch(/^inserted wa_outbound_messages row \d+ into acme \(to 15550001111, channel default\)$/);
    const store = await createTenantStore({ engine: 'postgres', url: databaseUrl }, { tenantId: 'acme' });
    try {
      const rows = await store.listOutboundMessages();
      expect(rows.at(-1)).toMatchObject({
        status: 'pending',
        attempts: 0,
        channelId: null,
        toId: '15550001111',
        message: JSON.stringify({ type: 'text', text: { body: 'Hi from the CLI' } }),
      });
    } finally {
      await store.close();
    }
  });

  it('inserts a --message as given, on the chosen channel and not before the given instant', async () => {
    // Prepare
    const message = '{"type":"image","image":{"link":"https://example.com/a.jpg"}}';

    // Act
    const result = await run((print) =>
      sendMessage(targets, { tenant: 'acme', to: '15550002222', message, channel: 'CLI-WHAPI', notBefore: '2030-01-01T00:00:00Z' }, print),
    );

    // Assert
    expect(result.exitCode).toBe(0);
    const store = await createTenantStore({ engine: 'postgres', url: databaseUrl }, { tenantId: 'acme' });
    try {
      expect((await store.listOutboundMessages()).at(-1)).toMatchObject({ channelId: 'CLI-WHAPI', message, notBefore: new Date('2030-01-01T00:00:00Z') });
    } finally {
      await store.close();
    }
  });

  it('lists the rows of every tenant with status and times, and reports a tenant it cannot reach', async () => {
    // Act
    const result = await run((print) => printOutbound(targets, { limit: 100 }, print));

    // Assert
    expect(result.output[0]).toBe('acme.wa_outbound_messages: 2 row(s)');
    expect(result.output[1]).toMatch(/^id\s+status\s+att\s+channel_id\s+to_id\s+message/);
    expect(result.output[2]).toMatch(/^\d+\s+pending\s+0\s+15550001111\s+\{"type":"text"/);
    expect(result.output[3]).toMatch(/pending\s+0\s+CLI-WHAPI\s+15550002222/);
    expect(result.output[4]).toMatch(/^offline: FAILED /);
  });

  it('refuses both --text and --message, and neither', () => {
    expect(() => outboundMessageText({ text: 'a', message: '{}' })).toThrow('pass exactly one of --text and --message');
    expect(() => outboundMessageText({})).toThrow('pass exactly one of --text and --message');
    expect(outboundMessageText({ message: 'not json' })).toBe('not json');
  });
});
