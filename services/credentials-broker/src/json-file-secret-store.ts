import { readFile, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { CredentialsUnavailableError, SecretRecordInvalidError } from '@wagw/core/errors';
import type { RawSecretRecord, SecretRecordSet, SecretStore } from './secret-store';

interface Loaded {
  revision: string;
  set: SecretRecordSet;
}

/**
 * Local mode's records: one GatewayConfigV1 JSON file (`{ metaApps: [...], tenants: [...] }`).
 * The file is read again whenever it changes on disk, so onboarding needs no restart. Each entry
 * is its own record, so one bad tenant entry does not hide the others.
 */
export class JsonFileSecretStore implements SecretStore {
  private loaded: Loaded | undefined;

  constructor(private readonly path: string) {}

  async revision(): Promise<string> {
    try {
      const info = await stat(this.path, { bigint: true });
      return `${info.ino}:${info.size}:${info.mtimeNs}`;
    } catch (error) {
      throw new CredentialsUnavailableError(`gateway config ${this.path} cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`, error);
    }
  }

  async load(): Promise<SecretRecordSet> {
    const revision = await this.revision();
    if (this.loaded?.revision === revision) return this.loaded.set;
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (error) {
      throw new CredentialsUnavailableError(`gateway config ${this.path} cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`, error);
    }
    const set = this.parse(text);
    this.loaded = { revision, set };
    return set;
  }

  private parse(text: string): SecretRecordSet {
    const file = basename(this.path);
    let config: unknown;
    try {
      config = JSON.parse(text);
    } catch {
      // JSON.parse's message quotes the text it choked on: never pass it on.
      throw new SecretRecordInvalidError(file, 'the file is not valid JSON');
    }
    if (config === null || typeof config !== 'object' || Array.isArray(config)) {
      throw new SecretRecordInvalidError(file, 'the file must hold an object { metaApps, tenants }');
    }
    const { metaApps = [], tenants = [] } = config as { metaApps?: unknown; tenants?: unknown };
    if (!Array.isArray(metaApps)) throw new SecretRecordInvalidError(file, 'metaApps must be an array');
    if (!Array.isArray(tenants)) throw new SecretRecordInvalidError(file, 'tenants must be an array');
    const records: RawSecretRecord[] = [
      ...metaApps.map((value: unknown, index) => ({ kind: 'meta-app' as const, name: `${file}#/metaApps/${index}`, value })),
      ...tenants.map((value: unknown, index) => ({ kind: 'tenant' as const, name: `${file}#/tenants/${index}`, value })),
    ];
    return { records };
  }
}
