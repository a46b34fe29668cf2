/** What kind of record a secret holds. */
export type SecretRecordKind = 'meta-app' | 'tenant';

/**
 * One secret as the store found it, before validation. `value` is the parsed JSON; when the store
 * could not even get that far (not JSON, unreadable) it says why in `problem` instead — a
 * description that never contains the secret's content.
 */
export interface RawSecretRecord {
  kind: SecretRecordKind;
  /** Where the record lives, for error messages: a secret name or `file#/tenants/2`. */
  name: string;
  /** The id the record's location promises (the `{tenantId}` of `{prefix}/tenants/{tenantId}`), if any. */
  expectedId?: string;
  value?: unknown;
  problem?: string;
}

export interface SecretRecordSet {
  records: RawSecretRecord[];
}

/**
 * Where tenant and Meta app records live (Secrets Manager in AWS, a JSON file locally). Only the
 * credentials broker holds one. `load` throws CredentialsUnavailableError when the store cannot
 * answer now, SecretRecordInvalidError when the store as a whole is unusable.
 */
export interface SecretStore {
  load(): Promise<SecretRecordSet>;
  /** A cheap token that changes whenever the records may have changed; lets a cache skip its TTL. */
  revision?(): Promise<string>;
}
