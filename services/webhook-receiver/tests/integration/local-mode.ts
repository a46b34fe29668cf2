// The provider sandbox and the emulator launcher live in @wagw/local, which depends on this service
// (local mode runs its handlers): a package dependency back on it would make the workspace graph
// cyclic. Tests reach them by path instead; this file is the one place that knows the path.
export { startProviderSandbox } from '../../../../packages/local/src/provider-sandbox/provider-sandbox';
export type { ProviderSandbox } from '../../../../packages/local/src/provider-sandbox/provider-sandbox';
export { startEmulator } from '../../../../packages/local/src/emulator/start-emulator';
export type { RunningEmulator } from '../../../../packages/local/src/emulator/start-emulator';
export { createGatewayResources } from '../../../../packages/local/src/emulator/gateway-resources';
