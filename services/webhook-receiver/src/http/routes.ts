export type Route =
  | { kind: 'health' }
  | { kind: 'meta-subscription' }
  | { kind: 'meta-webhook' }
  | { kind: 'whapi-webhook'; channelId: string }
  | { kind: 'method-not-allowed'; allow: string }
  | { kind: 'not-found' };

const WHAPI_PATH = /^\/webhooks\/whapi\/([^/]+)$/;
/** A Whapi channel id as it may appear in a bucket key and a log line: no `/`, no `..`, bounded. */
const WHAPI_CHANNEL_ID = /^[A-Za-z0-9_.-]{1,64}$/;

const isWhapiChannelId = (channelId: string): boolean => WHAPI_CHANNEL_ID.test(channelId) && channelId !== '.' && channelId !== '..';

const decodeSegment = (segment: string): string | undefined => {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
};

/** The route of a request from its method and raw path (works with a `$default` route too). */
export const matchRoute = (method: string, rawPath: string): Route => {
  const path = rawPath.length > 1 && rawPath.endsWith('/') ? rawPath.slice(0, -1) : rawPath;
  if (path === '/health') return method === 'GET' ? { kind: 'health' } : { kind: 'method-not-allowed', allow: 'GET' };
  if (path === '/webhooks/meta') {
    if (method === 'GET') return { kind: 'meta-subscription' };
    if (method === 'POST') return { kind: 'meta-webhook' };
    return { kind: 'method-not-allowed', allow: 'GET, POST' };
  }
  const whapi = WHAPI_PATH.exec(path);
  if (whapi !== null) {
    const channelId = decodeSegment(whapi[1]!);
    if (channelId === undefined || !isWhapiChannelId(channelId)) return { kind: 'not-found' };
    return method === 'POST' ? { kind: 'whapi-webhook', channelId } : { kind: 'method-not-allowed', allow: 'POST' };
  }
  return { kind: 'not-found' };
};
