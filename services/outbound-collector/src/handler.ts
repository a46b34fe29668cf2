import { createLogger } from '@wagw/runtime/logger';
import { loadConfig } from './config';
import { createDependencies } from './dependencies';
import type { CollectorResult, RunContext } from './handle-collector-event';
import { handleCollectorEvent } from './handle-collector-event';

const config = loadConfig();
const logger = createLogger({ level: config.LOG_LEVEL, base: { service: 'outbound-collector' } });

const dependencies = createDependencies(config, logger);

/** Lambda entry: the schedule event fans out one async run per tenant; `{ tenantId }` is one tenant's run. */
export const handler = (event: unknown, context?: RunContext): Promise<CollectorResult> => handleCollectorEvent(dependencies, event, context);

/** Closes the tenant database pools; local mode calls it on stop (Lambda simply freezes the container). */
export const closeConnections = (): Promise<void> => dependencies.closeConnections();
