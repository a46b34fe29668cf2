export * from './provider';
export * from './tenant-records';
export * from './broker';
export * from './queue-events';
export * from './tenant-rows';
export * from './outbound-content';
