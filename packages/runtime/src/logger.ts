import pino from 'pino';

export type Logger = pino.Logger;

export interface LoggerOptions {
  /** pino level name; default 'info'. */
  level?: string;
  /** Where lines go; default stdout. Tests pass a stream to capture lines. */
  destination?: pino.DestinationStream;
  /** Fields on every line (e.g. `{ service: 'inbound-writer' }`). */
  base?: object;
}

export const REDACTED = '[redacted]';

/** Property names whose values are secrets wherever they appear. */
export const SECRET_KEYS: readonly string[] = [
  'accessToken',
  'access_token',
  'apiToken',
  'api_token',
  'apiKey',
  'api_key',
  'appSecret',
  'app_secret',
  'webhookSecret',
  'webhook_secret',
  'verifyToken',
  'verify_token',
  'hub.verify_token',
  'token',
  'refreshToken',
  'password',
  'passwd',
  'secret',
  'clientSecret',
  'secretString',
  'SecretString',
  'authorization',
  'Authorization',
  'cookie',
  'Cookie',
  'x-gateway-secret',
  'X-Gateway-Secret',
  'x-hub-signature-256',
  'X-Hub-Signature-256',
  'connectionString',
  'databaseUrl',
];

/** Keys that are only secret inside a given parent (a database `url` holds credentials, a media `url` does not). */
const SECRET_CHILD_KEYS: readonly (readonly [parent: string, key: string])[] = [
  ['database', 'url'],
  ['databaseSettings', 'url'],
  ['settings', 'url'],
  ['config', 'auth'],
];

const pathSegment = (key: string): string => (/^[A-Za-z_$][\w$]*$/.test(key) ? `.${key}` : `["${key}"]`);
const toPath = (...keys: string[]): string => keys.map(pathSegment).join('').replace(/^\./, '');

/**
 * pino `redact` paths: the secret keys at the top level and in `headers`. Exact paths only, and few:
 * pino's redactor costs ~0.25 µs per exact path and ~100 µs per line with wildcards, so nesting at
 * any depth is covered by the log formatter (redactSecrets) instead, for a few µs.
 */
export const REDACT_PATHS: readonly string[] = [
  ...SECRET_KEYS.map((key) => toPath(key)),
  ...SECRET_KEYS.filter((key) => /authorization|x-/i.test(key)).map((key) => toPath('headers', key)),
  ...SECRET_CHILD_KEYS.map(([parent, key]) => toPath(parent, key)),
];

export const createLogger = (options: LoggerOptions = {}): Logger =>
  pino(
    {
      level: options.level ?? 'info',
      base: (options.base ?? {}) as Record<string, unknown>,
      redact: { paths: [...REDACT_PATHS], censor: REDACTED },
      formatters: {
        log: (object) => redactSecrets(object),
        bindings: (bindings) => redactSecrets(bindings),
      },
      // The log formatter has already turned errors into plain, redacted objects (serializeError);
      // pino's own err serializer would re-serialize them as { type: 'Object' } and drop the cause.
      serializers: { err: (value: unknown) => value },
      // The message and format arguments bypass the formatter: scrub the finished line as well.
      hooks: { streamWrite: (line) => withoutUrlPasswords(line) },
    },
    options.destination,
  );

const SECRET_KEY_SET = new Set(SECRET_KEYS.map((key) => key.toLowerCase()));
const SECRET_CHILD_SET = new Set(SECRET_CHILD_KEYS.map(([parent, key]) => `${parent.toLowerCase()}.${key.toLowerCase()}`));

/** `scheme://user:password@host` anywhere in a string: the password part (JSON-safe: stops at `"` and `\`). */
const URL_PASSWORD = /(\b[a-z][a-z0-9+.-]*:\/\/[^\s:@/"\\]*:)[^\s@/"\\]+@/gi;

/** `text` with the password of every connection-string-like URL replaced by '[redacted]'. */
export const withoutUrlPasswords = (text: string): string =>
  text.includes('://') ? text.replace(URL_PASSWORD, `$1${REDACTED}@`) : text;

/**
 * An error as a plain object, like pino's std err serializer: its class name as `type`, message,
 * stack, own fields (code, retryable, …) and its `cause` (and AggregateError `errors`) kept whole.
 */
const serializeError = (error: Error): Record<string, unknown> => {
  const fields: Record<string, unknown> = {
    type: typeof error.constructor === 'function' ? error.constructor.name : error.name,
    message: error.message,
    stack: error.stack,
  };
  for (const [key, value] of Object.entries(error)) {
    if (!(key in fields)) fields[key] = value;
  }
  if (error.cause !== undefined) fields.cause = error.cause;
  if (error instanceof AggregateError) fields.errors = error.errors;
  return fields;
};

/**
 * A copy of `value` with every secret-bearing property replaced by '[redacted]', at any depth
 * (for values that leave the process some other way than the logger, e.g. an error report).
 */
export const redactSecrets = <T>(value: T): T => redactValue(value, undefined, new Set()) as T;

/** `ancestors` holds the objects on the current path only: a value shared by two fields is not a cycle. */
const redactValue = (value: unknown, parentKey: string | undefined, ancestors: Set<object>): unknown => {
  if (typeof value === 'string') return withoutUrlPasswords(value);
  if (value === null || typeof value !== 'object') return value;
  if (ancestors.has(value)) return '[circular]';
  if (value instanceof Uint8Array || value instanceof Date) return value;
  if (value instanceof Error) {
    // Serialized here, not by pino, so that the fields of the error and of its causes are redacted too.
    ancestors.add(value);
    const serialized = redactValue(serializeError(value), parentKey, ancestors);
    ancestors.delete(value);
    return serialized;
  }
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function') {
    return redactValue((value as { toJSON: () => unknown }).toJSON(), parentKey, ancestors);
  }
  ancestors.add(value);
  let copy: unknown;
  if (Array.isArray(value)) {
    copy = value.map((item) => redactValue(item, parentKey, ancestors));
  } else {
    const fields: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      const lower = key.toLowerCase();
      const secret =
        SECRET_KEY_SET.has(lower) || (parentKey !== undefined && SECRET_CHILD_SET.has(`${parentKey.toLowerCase()}.${lower}`));
      fields[key] = secret ? REDACTED : redactValue(item, key, ancestors);
    }
    copy = fields;
  }
  ancestors.delete(value);
  return copy;
};
