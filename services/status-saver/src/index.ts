export * from './save-status-event';
export * from './apply-receipt';
export * from './apply-send-result';
export * from './status-event-row';
export * from './parse-status-event';
export * from './process-status-record';
export * from './config';
export * from './dependencies';
