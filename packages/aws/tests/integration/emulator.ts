// The SQS/S3 emulator lives in @wagw/local, which depends on this package; a relative import keeps the
// package graph acyclic.
export { startEmulator } from '../../../local/src/emulator/start-emulator';
export type { RunningEmulator } from '../../../local/src/emulator/start-emulator';
export { createGatewayResources } from '../../../local/src/emulator/gateway-resources';
