export * from './answer-broker-request';
export * from './cached-secret-directory';
export * from './secret-directory';
export * from './secret-store';
export * from './json-file-secret-store';
export * from './secrets-manager-secret-store';
export * from './config';
export * from './dependencies';
