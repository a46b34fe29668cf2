import type { SecretValueEntry, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { BatchGetSecretValueCommand, ListSecretsCommand } from '@aws-sdk/client-secrets-manager';
import { CredentialsUnavailableError } from '@wagw/core/errors';
import type { RawSecretRecord, SecretRecordKind, SecretRecordSet, SecretStore } from './secret-store';
import { errorName } from '@wagw/core/errors';

/** BatchGetSecretValue takes at most 20 ids per call. */
const BATCH_SIZE = 20;

/** Per-secret batch errors that mean "try again later" rather than "this record is broken". */
const TRANSIENT_BATCH_ERRORS = new Set(['InternalServiceError', 'ThrottlingException', 'RequestLimitExceeded']);

const FOLDERS: readonly (readonly [folder: string, kind: SecretRecordKind])[] = [
  ['meta-apps', 'meta-app'],
  ['tenants', 'tenant'],
];


const chunks = <T>(items: readonly T[], size: number): T[][] =>
  Array.from({ length: Math.ceil(items.length / size) }, (_, index) => items.slice(index * size, (index + 1) * size));

/**
 * Records in AWS Secrets Manager: `{prefix}/meta-apps/{appId}` and `{prefix}/tenants/{tenantId}`,
 * each a JSON SecretString. Listed by name prefix, read in batches of 20.
 */
export class SecretsManagerSecretStore implements SecretStore {
  constructor(
    private readonly client: SecretsManagerClient,
    private readonly prefix: string,
  ) {}

  async load(): Promise<SecretRecordSet> {
    const located = new Map<string, Omit<RawSecretRecord, 'value' | 'problem'>>();
    for (const name of await this.listNames()) {
      const record = this.locate(name);
      if (record !== undefined) located.set(name, record);
    }

    const records: RawSecretRecord[] = [];
    for (const chunk of chunks([...located.keys()], BATCH_SIZE)) {
      const { values, errors } = await this.batchGet(chunk);
      for (const entry of values) {
        const record = entry.Name === undefined ? undefined : located.get(entry.Name);
        if (record !== undefined) records.push({ ...record, ...this.content(entry) });
      }
      for (const { secretId, code } of errors) {
        // A secret deleted between list and read is simply gone.
        if (code === 'ResourceNotFoundException') continue;
        if (TRANSIENT_BATCH_ERRORS.has(code)) throw new CredentialsUnavailableError(`Secrets Manager could not read ${secretId} (${code})`);
        const record = located.get(secretId);
        if (record !== undefined) records.push({ ...record, problem: `could not be read (${code})` });
      }
    }
    return { records };
  }

  private locate(name: string): Omit<RawSecretRecord, 'value' | 'problem'> | undefined {
    for (const [folder, kind] of FOLDERS) {
      const start = `${this.prefix}/${folder}/`;
      const id = name.startsWith(start) ? name.slice(start.length) : '';
      if (id !== '' && !id.includes('/')) return { kind, name, expectedId: id };
    }
    return undefined;
  }

  private content(entry: SecretValueEntry): Pick<RawSecretRecord, 'value' | 'problem'> {
    if (entry.SecretString === undefined) return { problem: 'has no SecretString (binary secrets are not supported)' };
    try {
      return { value: JSON.parse(entry.SecretString) as unknown };
    } catch {
      // JSON.parse's message quotes the text it choked on: never pass it on.
      return { problem: 'SecretString is not valid JSON' };
    }
  }

  private async listNames(): Promise<string[]> {
    const names: string[] = [];
    let nextToken: string | undefined;
    do {
      const page = await this.send('ListSecrets', () =>
        this.client.send(
          new ListSecretsCommand({ Filters: [{ Key: 'name', Values: [`${this.prefix}/`] }], MaxResults: 100, NextToken: nextToken }),
        ),
      );
      for (const secret of page.SecretList ?? []) if (secret.Name !== undefined) names.push(secret.Name);
      nextToken = page.NextToken;
    } while (nextToken !== undefined);
    return names;
  }

  private async batchGet(names: string[]): Promise<{ values: SecretValueEntry[]; errors: { secretId: string; code: string }[] }> {
    const values: SecretValueEntry[] = [];
    const errors: { secretId: string; code: string }[] = [];
    let nextToken: string | undefined;
    do {
      const page = await this.send('BatchGetSecretValue', () =>
        this.client.send(new BatchGetSecretValueCommand({ SecretIdList: names, NextToken: nextToken })),
      );
      values.push(...(page.SecretValues ?? []));
      for (const error of page.Errors ?? []) {
        errors.push({ secretId: error.SecretId ?? '(unnamed)', code: error.ErrorCode ?? 'UnknownError' });
      }
      nextToken = page.NextToken;
    } while (nextToken !== undefined);
    return { values, errors };
  }

  private async send<T>(operation: string, call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      throw new CredentialsUnavailableError(`Secrets Manager ${operation} failed (${errorName(error)})`, error);
    }
  }
}
