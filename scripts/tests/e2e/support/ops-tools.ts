import type { QueueRole } from '@wagw/contracts';
// The ops CLI lives in the scripts package (which depends on this one), so it is reached by path.
import type { CliTargets } from '../../../src/cli/cli-context';
import { replayDlq, replayParked } from '../../../src/cli/commands';
import { printOutbound, sendMessage } from '../../../src/cli/outbound-commands';
import type { SendOptions } from '../../../src/cli/outbound-commands';
import type { LocalGateway } from '@wagw/local/local-gateway';
import { CREDENTIALS_BROKER_FUNCTION } from '@wagw/local/service-environment';

export interface CliRun {
  exitCode: number;
  output: string[];
}

/** The CLI's targets for this gateway: what `pnpm gateway …` reads from `<stateDir>/endpoints.json`. */
const targetsOf = (gateway: LocalGateway): CliTargets => ({
  stateDir: gateway.endpoints.stateDir,
  local: gateway.endpoints,
  gatewayUrl: gateway.url,
  awsEndpoint: gateway.emulatorEndpoint,
  lambdaEndpoint: gateway.lambdaEndpoint,
  queueUrls: gateway.queueUrls,
  dlqUrls: gateway.dlqUrls,
  bucket: gateway.bucket,
  brokerFunction: CREDENTIALS_BROKER_FUNCTION,
  configPath: gateway.endpoints.configPath,
});

const run = async (command: (print: (line: string) => void) => Promise<number | void>): Promise<CliRun> => {
  const output: string[] = [];
  const exitCode = (await command((line) => output.push(line))) ?? 0;
  return { exitCode, output };
};

/** `pnpm gateway parked replay`: what an operator runs after onboarding a channel. */
export const replayParkedWithCli = (gateway: LocalGateway): Promise<CliRun> =>
  run((print) => replayParked(targetsOf(gateway), {}, print));

/** `pnpm gateway dlq replay --queue <role>`: what an operator runs once the cause is fixed. */
export const replayDlqWithCli = (gateway: LocalGateway, role: QueueRole): Promise<CliRun> =>
  run((print) => replayDlq(targetsOf(gateway), { queue: role }, print));

/** `pnpm gateway send …`: inserts an outbound row through the running gateway (its local-admin function). */
export const sendWithCli = (gateway: LocalGateway, options: SendOptions): Promise<CliRun> => run((print) => sendMessage(targetsOf(gateway), options, print));

/** `pnpm gateway outbound [--tenant]`. */
export const outboundWithCli = (gateway: LocalGateway, options: { tenant?: string; limit?: number }): Promise<CliRun> =>
  run((print) => printOutbound(targetsOf(gateway), { limit: 100, ...options }, print));
