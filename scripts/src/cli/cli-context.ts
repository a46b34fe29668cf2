import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { GatewayConfigV1, QueueRole } from '@wagw/contracts';
import { GatewayConfigV1 as GatewayConfigSchema } from '@wagw/contracts';
import { readLocalEndpoints } from '@wagw/local/local-endpoints';
import type { LocalEndpoints } from '@wagw/local/local-endpoints';
import { CREDENTIALS_BROKER_FUNCTION } from '@wagw/local/service-environment';
import { REPO_ROOT } from '../repo-paths';

/**
 * Where the ops CLI finds the gateway: the endpoints file `pnpm start` writes
 * (`<LOCAL_STATE_DIR>/endpoints.json`), each value overridable from the environment — which is also
 * how the CLI is pointed at a deployed gateway (no endpoint overrides = real AWS).
 */
export interface CliTargets {
  stateDir: string;
  /** The running local gateway, when its endpoints file names a live process. */
  local: LocalEndpoints | undefined;
  gatewayUrl: string;
  /** SQS/S3 endpoint (the emulator); undefined = AWS. */
  awsEndpoint: string | undefined;
  /** Lambda Invoke endpoint (local mode's invoke server); undefined = AWS. */
  lambdaEndpoint: string | undefined;
  queueUrls: Partial<Record<QueueRole, string>>;
  dlqUrls: Partial<Record<QueueRole, string>>;
  bucket: string | undefined;
  brokerFunction: string;
  configPath: string;
}

export const DEFAULT_CONFIG = 'scripts/local/demo-config.json';
export const DEFAULT_STATE_DIR = '.local';

const isAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
};

const env = (name: string): string | undefined => {
  const value = process.env[name];
  return value === undefined || value === '' ? undefined : value;
};

const roleEnv: Record<QueueRole, string> = {
  'inbound-events': 'INBOUND_EVENTS',
  'status-events': 'STATUS_EVENTS',
  'media-jobs': 'MEDIA_JOBS',
  'outbound-messages': 'OUTBOUND_MESSAGES',
};

const queueMap = (suffix: 'QUEUE_URL' | 'DLQ_URL', fallback: Partial<Record<QueueRole, string>> | undefined): Partial<Record<QueueRole, string>> => {
  const urls: Partial<Record<QueueRole, string>> = {};
  for (const [role, prefix] of Object.entries(roleEnv) as [QueueRole, string][]) {
    const url = env(`${prefix}_${suffix}`) ?? fallback?.[role];
    if (url !== undefined) urls[role] = url;
  }
  return urls;
};

export const resolveCliTargets = async (): Promise<CliTargets> => {
  const stateDir = resolve(env('LOCAL_STATE_DIR') ?? resolve(REPO_ROOT, DEFAULT_STATE_DIR));
  const written = await readLocalEndpoints(stateDir);
  const local = written !== undefined && isAlive(written.pid) ? written : undefined;
  return {
    stateDir,
    local,
    gatewayUrl: env('GATEWAY_URL') ?? local?.url ?? `http://127.0.0.1:${env('PORT') ?? '3000'}`,
    awsEndpoint: env('AWS_ENDPOINT_URL') ?? local?.emulatorEndpoint,
    lambdaEndpoint: env('AWS_ENDPOINT_URL_LAMBDA') ?? local?.lambdaEndpoint,
    queueUrls: queueMap('QUEUE_URL', local?.queueUrls),
    dlqUrls: queueMap('DLQ_URL', local?.dlqUrls),
    bucket: env('BUCKET_NAME') ?? local?.bucket,
    brokerFunction: env('CREDENTIALS_BROKER_FUNCTION') ?? CREDENTIALS_BROKER_FUNCTION,
    configPath: resolve(env('GATEWAY_CONFIG') ?? local?.configPath ?? resolve(REPO_ROOT, DEFAULT_CONFIG)),
  };
};

export const readGatewayConfigFile = async (path: string): Promise<GatewayConfigV1> =>
  GatewayConfigSchema.parse(JSON.parse(await readFile(path, 'utf8')));

export const required = <T>(value: T | undefined, what: string): T => {
  if (value === undefined) throw new CliError(`${what} is unknown: start local mode with \`pnpm start\`, or set it in the environment`);
  return value;
};

/** A failure the CLI reports as one line, without a stack trace. */
export class CliError extends Error {}
