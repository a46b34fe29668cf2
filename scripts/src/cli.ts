import { Command } from 'commander';
import { CliError, resolveCliTargets } from './cli/cli-context';
import { INBOUND_TABLE, listDlq, listParked, migrate, postSample, printRows, replayDlq, replayParked } from './cli/commands';
import { positiveInt } from './cli/option-parsers';
import { printOutbound, sendMessage } from './cli/outbound-commands';
import type { SendOptions } from './cli/outbound-commands';

const print = (line: string): void => {
  process.stdout.write(`${line}\n`);
};

/** Runs one subcommand; its number is the exit code. */
const run =
  <Args extends unknown[]>(action: (...args: Args) => Promise<number | void>) =>
  async (...args: Args): Promise<void> => {
    try {
      process.exitCode = (await action(...args)) ?? 0;
    } catch (error) {
      process.stderr.write(`error: ${error instanceof Error ? error.message : String(error)}\n`);
      if (!(error instanceof CliError) && error instanceof Error && process.env.DEBUG) process.stderr.write(`${error.stack ?? ''}\n`);
      process.exitCode = 1;
    }
  };

const program = new Command('gateway')
  .description('Ops tools for the WhatsApp gateway. In local mode they find the running `pnpm start` through <LOCAL_STATE_DIR>/endpoints.json.')
  .showHelpAfterError();

program
  .command('post-sample')
  .description('POST a recorded webhook (a fixture name from ../shared/fixtures, or a path), signed like the provider would')
  .argument('<fixture>', 'e.g. meta-webhook-text.json')
  .option('--url <url>', 'gateway base URL (default: the running local gateway)')
  .option('--app-secret <secret>', 'Meta: HMAC key (default: the secret of the app that owns the number in GATEWAY_CONFIG)')
  .option('--webhook-secret <secret>', "Whapi: X-Gateway-Secret (default: the channel's webhookSecret in GATEWAY_CONFIG)")
  .option('--to-channel <id>', 'replace phone_number_id (Meta) or channel_id (Whapi)')
  .option('--unique', 'suffix message ids so the sample is stored as new messages')
  .action(
    run(async (fixture: string, options: { url?: string; appSecret?: string; webhookSecret?: string; toChannel?: string; unique?: boolean }) =>
      postSample(await resolveCliTargets(), fixture, options, print),
    ),
  );

program
  .command('rows')
  .description("print a tenant's rows")
  .requiredOption('--tenant <id>', 'tenant id')
  .option('--table <name>', 'table', INBOUND_TABLE)
  .option('--limit <n>', 'at most this many rows, oldest first', positiveInt, 100)
  .option('--json', 'every column, as JSON')
  .action(run(async (options: { tenant: string; table: string; limit: number; json?: boolean }) => printRows(await resolveCliTargets(), options, print)));

program
  .command('send')
  .description("insert a wa_outbound_messages row as a tenant system would; the gateway sends it")
  .requiredOption('--tenant <id>', 'tenant id')
  .requiredOption('--to <id>', 'recipient: phone number / wa_id (Meta) or Whapi chat id')
  .option('--text <body>', 'a text message')
  .option('--message <json>', 'the message column as JSON, e.g. \'{"type":"image","image":{"link":"https://…"}}\'')
  .option('--channel <id>', "sending channel (default: the tenant's default channel)")
  .option('--not-before <iso>', 'do not send before this instant')
  .option('--wait', "follow the row until it is 'read' or 'failed'")
  .option('--wait-seconds <n>', 'give up following after this long', positiveInt, 60)
  .action(run(async (options: SendOptions) => sendMessage(await resolveCliTargets(), options, print)));

program
  .command('outbound')
  .description('print wa_outbound_messages rows with status, timestamps and error')
  .option('--tenant <id>', 'one tenant (default: every tenant in GATEWAY_CONFIG)')
  .option('--limit <n>', 'at most this many rows per tenant, oldest first', positiveInt, 100)
  .option('--json', 'every column, as JSON')
  .action(run(async (options: { tenant?: string; limit: number; json?: boolean }) => printOutbound(await resolveCliTargets(), options, print)));

const parked = program.command('parked').description('events for channels that belonged to no tenant when they arrived');
parked
  .command('list')
  .option('--provider <meta|whapi>', 'only this provider')
  .option('--channel <id>', 'only this channel')
  .action(run(async (options: { provider?: string; channel?: string }) => listParked(await resolveCliTargets(), options, print)));
parked
  .command('replay')
  .description('publish parked events whose channel is onboarded now; the rest stay parked')
  .option('--provider <meta|whapi>', 'only this provider')
  .option('--channel <id>', 'only this channel')
  .action(run(async (options: { provider?: string; channel?: string }) => replayParked(await resolveCliTargets(), options, print)));

const dlq = program.command('dlq').description('dead-letter queues');
dlq
  .command('list')
  .requiredOption('--queue <role>', 'inbound-events | status-events | media-jobs | outbound-messages')
  .option('--max <n>', 'show at most this many', positiveInt, 50)
  .action(run(async (options: { queue: string; max: number }) => listDlq(await resolveCliTargets(), options, print)));
dlq
  .command('replay')
  .description('move dead letters back to their source queue (same group, new dedup id), then delete them')
  .requiredOption('--queue <role>', 'inbound-events | status-events | media-jobs | outbound-messages')
  .option('--max <n>', 'at most this many', positiveInt)
  .action(run(async (options: { queue: string; max?: number }) => replayDlq(await resolveCliTargets(), options, print)));

program
  .command('migrate')
  .description('apply the tenant schema migrations (idempotent)')
  .option('--tenant <id>', 'one tenant')
  .option('--all', 'every tenant in GATEWAY_CONFIG')
  .action(run(async (options: { tenant?: string; all?: boolean }) => migrate(await resolveCliTargets(), options, print)));

program.parseAsync(process.argv).catch((error: unknown) => {
  process.stderr.write(`error: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
