export * from './broker-transport';
export * from './lambda-broker-transport';
export * from './cached-credentials-client';
export * from './broker-error';
