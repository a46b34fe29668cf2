import { createLogger } from '@wagw/runtime/logger';
import { createFifoBatchHandler } from '@wagw/runtime/sqs-fifo-batch';
import { loadConfig } from './config';
import { createDependencies } from './dependencies';
import { createInboundRecordProcessor } from './process-inbound-record';

const config = loadConfig();
const logger = createLogger({ level: config.LOG_LEVEL, base: { service: 'inbound-writer' } });

/** Lambda entry for inbound-events.fifo (partial batch responses). */
export const handler = createFifoBatchHandler(createInboundRecordProcessor(createDependencies(config, logger)), { logger });
