import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as z from 'zod/mini';

const QueueUrls = z.object({
  'inbound-events': z.string(),
  'status-events': z.string(),
  'media-jobs': z.string(),
  'outbound-messages': z.string(),
});

/** Where a running local gateway listens; written to `<stateDir>/endpoints.json` for the ops CLI. */
export const LocalEndpoints = z.object({
  url: z.string(),
  emulatorEndpoint: z.string(),
  lambdaEndpoint: z.string(),
  sandboxUrl: z.string(),
  queueUrls: QueueUrls,
  dlqUrls: QueueUrls,
  bucket: z.string(),
  configPath: z.string(),
  stateDir: z.string(),
  pid: z.int(),
});
export type LocalEndpoints = z.infer<typeof LocalEndpoints>;

export const ENDPOINTS_FILE = 'endpoints.json';

export const endpointsPath = (stateDir: string): string => join(stateDir, ENDPOINTS_FILE);

export const writeLocalEndpoints = async (stateDir: string, endpoints: LocalEndpoints): Promise<string> => {
  await mkdir(stateDir, { recursive: true });
  const path = endpointsPath(stateDir);
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, `${JSON.stringify(endpoints, null, 2)}\n`);
  await rename(temporary, path);
  return path;
};

/** The running gateway's endpoints, or undefined when there is no (readable) endpoints file. */
export const readLocalEndpoints = async (stateDir: string): Promise<LocalEndpoints | undefined> => {
  let text: string;
  try {
    text = await readFile(endpointsPath(stateDir), 'utf8');
  } catch {
    return undefined;
  }
  try {
    const parsed = LocalEndpoints.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
};

export const removeLocalEndpoints = async (stateDir: string): Promise<void> => {
  await rm(endpointsPath(stateDir), { force: true });
};
