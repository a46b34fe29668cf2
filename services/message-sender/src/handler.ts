import { createLogger } from '@wagw/runtime/logger';
import { createFifoBatchHandler } from '@wagw/runtime/sqs-fifo-batch';
import { loadConfig } from './config';
import { createDependencies } from './dependencies';
import { createOutboundRecordProcessor } from './process-outbound-record';

const config = loadConfig();
const logger = createLogger({ level: config.LOG_LEVEL, base: { service: 'message-sender' } });

const dependencies = createDependencies(config);

/** Lambda entry for outbound-messages.fifo (partial batch responses; failed records back off). */
export const handler = createFifoBatchHandler(createOutboundRecordProcessor(dependencies), { logger, retryBackoff: dependencies.retryBackoff });

/** Local mode calls it on stop; the sender holds no pools, so there is nothing to close. */
export const closeConnections = (): Promise<void> => dependencies.closeConnections();
