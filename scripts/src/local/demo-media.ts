import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ProviderSandbox } from '@wagw/provider-sandbox/provider-sandbox';

/** Leading bytes of each type, so the demo files look like what they claim to be. */
const MAGIC: [prefix: string, bytes: number[]][] = [
  ['image/jpeg', [0xff, 0xd8, 0xff, 0xe0]],
  ['image/png', [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]],
  ['image/webp', [0x52, 0x49, 0x46, 0x46, 0, 0, 0, 0, 0x57, 0x45, 0x42, 0x50]],
  ['audio/ogg', [0x4f, 0x67, 0x67, 0x53]],
  ['video/mp4', [0, 0, 0, 0x18, 0x66, 0x74, 0x79, 0x70]],
  ['application/pdf', [0x25, 0x50, 0x44, 0x46, 0x2d]],
];

const demoBytes = (id: string, mimeType: string): Uint8Array => {
  const magic = MAGIC.find(([prefix]) => mimeType.startsWith(prefix))?.[1] ?? [];
  return Buffer.concat([Buffer.from(magic), Buffer.from(`demo media ${id} (${mimeType}) served by the local provider sandbox\n`)]);
};

const collectMedia = (value: unknown, found: Map<string, string>): void => {
  if (Array.isArray(value)) {
    for (const item of value) collectMedia(item, found);
    return;
  }
  if (typeof value !== 'object' || value === null) return;
  const record = value as Record<string, unknown>;
  if (typeof record.id === 'string' && typeof record.mime_type === 'string') found.set(record.id, record.mime_type);
  for (const child of Object.values(record)) collectMedia(child, found);
};

/**
 * Registers a small file in the sandbox for every media id the recorded webhooks mention, so
 * `pnpm gateway post-sample meta-webhook-image.json` ends with media_status 'stored' in the demo.
 */
export const seedDemoMedia = async (sandbox: ProviderSandbox, fixturesDir: string): Promise<number> => {
  let names: string[];
  try {
    names = (await readdir(fixturesDir)).filter((name) => /-webhook-.*\.json$/.test(name));
  } catch {
    return 0;
  }
  const found = new Map<string, string>();
  for (const name of names) {
    try {
      collectMedia(JSON.parse(await readFile(join(fixturesDir, name), 'utf8')), found);
    } catch {
      // not a JSON fixture
    }
  }
  for (const [id, mimeType] of found) sandbox.addMedia({ id, mimeType, bytes: demoBytes(id, mimeType) });
  return found.size;
};
