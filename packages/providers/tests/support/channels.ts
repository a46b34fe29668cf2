import type { MetaChannelV1, WhapiChannelV1 } from '@wagw/contracts';

export const META_TOKEN = 'EAAG-test-meta-token-never-logged';
export const WHAPI_TOKEN = 'whapi-test-token-never-logged';
export const PHONE_NUMBER_ID = '100000000000001';
export const WHAPI_CHANNEL_ID = 'TESTCH-ABCDE';

export const metaChannel = (graphBaseUrl: string, overrides: Partial<MetaChannelV1> = {}): MetaChannelV1 => ({
  provider: 'meta',
  channelId: PHONE_NUMBER_ID,
  wabaId: '200000000000001',
  metaAppId: 'app-1',
  accessToken: META_TOKEN,
  graphBaseUrl,
  graphVersion: 'v24.0',
  ...overrides,
});

export const whapiChannel = (baseUrl: string, overrides: Partial<WhapiChannelV1> = {}): WhapiChannelV1 => ({
  provider: 'whapi',
  channelId: WHAPI_CHANNEL_ID,
  apiToken: WHAPI_TOKEN,
  webhookSecret: 'whapi-webhook-secret',
  baseUrl,
  ...overrides,
});
