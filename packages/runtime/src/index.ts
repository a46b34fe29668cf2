export * from './env';
export * from './logger';
export * from './sqs-fifo-batch';
