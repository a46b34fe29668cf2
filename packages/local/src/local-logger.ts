/**
 * The slice of a pino logger that local mode uses, so a `createLogger()` from @wagw/runtime (or any
 * pino logger) can be passed in and tests can pass nothing.
 */
export interface LocalLogger {
  debug(fields: object, message?: string): void;
  info(fields: object, message?: string): void;
  warn(fields: object, message?: string): void;
  error(fields: object, message?: string): void;
}

export const silentLogger: LocalLogger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};

export const errorFields = (error: unknown): { err: { message: string; code?: string } } => {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return { err: { message: error.message, ...(typeof code === 'string' ? { code } : {}) } };
  }
  return { err: { message: String(error) } };
};
