import type { BrokerResponseV1 } from '@wagw/contracts';
import type { BrokerDependencies } from './answer-broker-request';
import { answerBrokerRequest } from './answer-broker-request';
import { loadConfig } from './config';
import { createDependencies } from './dependencies';

let dependencies: BrokerDependencies | undefined;

/** Lambda entry (direct invoke): event = BrokerRequestV1, result = BrokerResponseV1. */
export const handler = (event: unknown): Promise<BrokerResponseV1> =>
  answerBrokerRequest((dependencies ??= createDependencies(loadConfig())), event);
