import type * as RuntimeLogger from '@wagw/runtime/logger';
import { LogCapture } from './log-capture';

/** Every line any service (and local mode) logged in this test file. */
export const capturedLogs = new LogCapture();

/**
 * A jest.mock factory for '@wagw/runtime/logger': the real createLogger (same redaction), writing
 * into `capturedLogs` instead of stdout. The services build their loggers with it, so a test sees
 * the complete log output of the run.
 *
 *   jest.mock('@wagw/runtime/logger', () => jest.requireActual('./support/capture-service-logs').loggerModuleWithCapture());
 */
export const loggerModuleWithCapture = (): typeof RuntimeLogger => {
  const actual = jest.requireActual<typeof RuntimeLogger>('@wagw/runtime/logger');
  return {
    ...actual,
    createLogger: (options: RuntimeLogger.LoggerOptions = {}) => actual.createLogger({ ...options, destination: capturedLogs }),
  };
};
