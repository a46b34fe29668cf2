import type { Provider } from '@wagw/contracts';
import type { MessagingProvider } from '@wagw/core/ports';
import { MetaCloudProvider } from './meta-cloud-provider';
import { ProviderHttp } from './provider-http';
import type { ProviderHttpOptions } from './provider-http';
import { WhapiProvider } from './whapi-provider';

export type MessagingProvidersOptions = ProviderHttpOptions;

/** One client per provider over shared keep-alive agents: build once per Lambda container. */
export const messagingProviders = (options: MessagingProvidersOptions): Record<Provider, MessagingProvider> => {
  const http = new ProviderHttp(options);
  return {
    meta: new MetaCloudProvider(http),
    whapi: new WhapiProvider(http),
  };
};
