import { createLogger } from '@wagw/runtime/logger';
import { createFifoBatchHandler } from '@wagw/runtime/sqs-fifo-batch';
import { loadConfig } from './config';
import { createDependencies } from './dependencies';
import { createStatusRecordProcessor } from './process-status-record';

const config = loadConfig();
const logger = createLogger({ level: config.LOG_LEVEL, base: { service: 'status-saver' } });

const dependencies = createDependencies(config, logger);

/** Lambda entry for status-events.fifo (partial batch responses; a dead tenant database backs off). */
export const handler = createFifoBatchHandler(createStatusRecordProcessor(dependencies), { logger, retryBackoff: dependencies.retryBackoff });

/** Closes the tenant database pools; local mode calls it on stop (Lambda simply freezes the container). */
export const closeConnections = (): Promise<void> => dependencies.closeConnections();
