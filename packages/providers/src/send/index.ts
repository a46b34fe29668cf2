/** Outbound: the provider send clients the message-sender uses. */
export { messagingProviders } from './messaging-providers';
export type { MessagingProvidersOptions } from './messaging-providers';
export { MetaCloudProvider, metaSendBody } from './meta-cloud-provider';
export { WhapiProvider } from './whapi-provider';
export { ProviderHttp } from './provider-http';
export type { ProviderHttpOptions } from './provider-http';
export { SEND_OUTCOME_UNKNOWN } from './network-failure';
export { META_ERROR_CLASSES, classifyMetaErrorCode } from './meta-error-classes';
