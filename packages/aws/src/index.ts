export * from './clients';
export * from './errors';
export * from './s3-blob-store';
export * from './sqs-event-publisher';
export * from './sqs-queue-reader';
