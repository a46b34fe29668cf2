import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface StoredSecret {
  name: string;
  secretString?: string;
  /** Make BatchGetSecretValue report this error code for the secret instead of its value. */
  batchError?: string;
}

export interface FakeSecretsManager {
  endpoint: string;
  secrets: StoredSecret[];
  /** Every `x-amz-target` operation received, in order. */
  calls: string[];
  /** Answer every request with this HTTP status (a server-side failure) while set. */
  failWith: number | undefined;
  close(): Promise<void>;
}

/** ListSecrets pages are small so that the adapter's paging is exercised. */
const PAGE_SIZE = 2;

/**
 * A tiny Secrets Manager speaking the service's JSON protocol (awsJson1_1: POST /, operation in
 * `x-amz-target`), enough for ListSecrets, GetSecretValue and BatchGetSecretValue.
 */
export const startFakeSecretsManager = async (secrets: StoredSecret[] = []): Promise<FakeSecretsManager> => {
  const state = { secrets, calls: [] as string[], failWith: undefined as number | undefined };

  const arn = (name: string) => `arn:aws:secretsmanager:us-east-1:000000000000:secret:${name}-AbCdEf`;
  const find = (id: string) => state.secrets.find((secret) => secret.name === id || arn(secret.name) === id);
  const valueOf = (secret: StoredSecret) => ({
    ARN: arn(secret.name),
    Name: secret.name,
    VersionId: 'v1',
    SecretString: secret.secretString,
    VersionStages: ['AWSCURRENT'],
    CreatedDate: 1_700_000_000,
  });

  const operations: Record<string, (input: Record<string, unknown>) => [number, unknown]> = {
    ListSecrets: (input) => {
      const filters = (input.Filters ?? []) as { Key: string; Values: string[] }[];
      const prefixes = filters.filter((filter) => filter.Key === 'name').flatMap((filter) => filter.Values);
      const matching = state.secrets.filter((secret) => prefixes.length === 0 || prefixes.some((prefix) => secret.name.startsWith(prefix)));
      const start = Number(input.NextToken ?? 0);
      const page = matching.slice(start, start + PAGE_SIZE);
      const next = start + PAGE_SIZE < matching.length ? String(start + PAGE_SIZE) : undefined;
      return [200, { SecretList: page.map((secret) => ({ ARN: arn(secret.name), Name: secret.name })), ...(next === undefined ? {} : { NextToken: next }) }];
    },
    GetSecretValue: (input) => {
      const secret = find(String(input.SecretId));
      if (secret === undefined) return [400, { __type: 'ResourceNotFoundException', message: "Secrets Manager can't find the specified secret." }];
      return [200, valueOf(secret)];
    },
    BatchGetSecretValue: (input) => {
      const ids = (input.SecretIdList ?? []) as string[];
      if (ids.length > 20) return [400, { __type: 'InvalidParameterException', message: 'too many ids' }];
      const values: unknown[] = [];
      const errors: unknown[] = [];
      for (const id of ids) {
        const secret = find(id);
        if (secret === undefined) errors.push({ SecretId: id, ErrorCode: 'ResourceNotFoundException', Message: 'not found' });
        else if (secret.batchError !== undefined) errors.push({ SecretId: id, ErrorCode: secret.batchError, Message: 'failed' });
        else values.push(valueOf(secret));
      }
      return [200, { SecretValues: values, Errors: errors }];
    },
  };

  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const target = String(request.headers['x-amz-target'] ?? '');
      const operation = target.startsWith('secretsmanager.') ? target.slice('secretsmanager.'.length) : '';
      state.calls.push(operation);
      const handle = operations[operation];
      const [status, body] =
        state.failWith !== undefined
          ? [state.failWith, { __type: 'InternalServiceError', message: 'internal failure' }]
          : request.method !== 'POST' || request.headers['content-type'] !== 'application/x-amz-json-1.1' || handle === undefined
            ? [400, { __type: 'InvalidRequestException', message: `unsupported: ${request.method} ${target}` }]
            : handle(JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Record<string, unknown>);
      response.writeHead(status, { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': 'req-1' });
      response.end(JSON.stringify(body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    endpoint: `http://127.0.0.1:${port}`,
    get secrets() {
      return state.secrets;
    },
    set secrets(value) {
      state.secrets = value;
    },
    calls: state.calls,
    get failWith() {
      return state.failWith;
    },
    set failWith(value) {
      state.failWith = value;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
};
