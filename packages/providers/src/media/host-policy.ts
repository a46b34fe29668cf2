import { isIpLiteral, isPrivateAddress } from './private-address';
import { MediaErrorCode, permanentMediaError } from './media-error-codes';

/** Hosts (and their subdomains) that serve Meta's inbound media. */
export const META_MEDIA_HOST_SUFFIXES: readonly string[] = ['fbsbx.com', 'fbcdn.net', 'whatsapp.net'];
/** Hosts (and their subdomains) that serve Whapi's media. */
export const WHAPI_MEDIA_HOST_SUFFIXES: readonly string[] = ['whapi.cloud'];
/**
 * Local mode's sandbox hosts. Only these may be used with plain http, and only these may be (or
 * resolve to) a private address, both only when they are allow-listed exactly.
 */
export const LOCAL_HTTP_HOSTS: readonly string[] = ['127.0.0.1', 'localhost', '::1'];

export interface HostPolicyOptions {
  /**
   * Hosts allowed exactly as written (e.g. the channel's graphBaseUrl host, MEDIA_ALLOWED_HOSTS). Being
   * listed does not let a host be or resolve to a private address, except for LOCAL_HTTP_HOSTS.
   */
  exactHosts: readonly string[];
  /** Domains allowed together with all their subdomains. Never matches an IP literal. */
  domainSuffixes: readonly string[];
}

/** Which URLs a media download may touch. Every hop of a redirect chain is checked again. */
export interface HostPolicy {
  /** Throws MEDIA_HOST_FORBIDDEN unless the URL may be fetched. */
  assertUrlAllowed(url: URL): void;
  /** Throws MEDIA_HOST_FORBIDDEN when `host` resolved to a private address, unless it is an allow-listed local host. */
  assertAddressAllowed(host: string, address: string): void;
}

export const normalizeHost = (host: string): string => {
  const lower = host.trim().toLowerCase().replace(/\.$/, '');
  return lower.startsWith('[') && lower.endsWith(']') ? lower.slice(1, -1) : lower;
};

/** The host of a configured base URL, or of a bare `host` / `host:port` entry. */
export const hostOf = (entry: string): string | undefined => {
  const trimmed = entry.trim();
  if (trimmed === '') return undefined;
  try {
    return normalizeHost(new URL(trimmed.includes('://') ? trimmed : `https://${trimmed}`).hostname);
  } catch {
    return undefined;
  }
};

export const createHostPolicy = (options: HostPolicyOptions): HostPolicy => {
  const exact = new Set(options.exactHosts.map(normalizeHost));
  const suffixes = options.domainSuffixes.map(normalizeHost);
  const localHttp = new Set(LOCAL_HTTP_HOSTS);

  const isAllowedHost = (host: string): boolean =>
    exact.has(host) || (!isIpLiteral(host) && suffixes.some((suffix) => host === suffix || host.endsWith(`.${suffix}`)));
  // A configured base URL or MEDIA_ALLOWED_HOSTS entry pointing into the VPC is still refused.
  const isAllowedLocalHost = (host: string): boolean => localHttp.has(host) && exact.has(host);

  return {
    assertUrlAllowed(url) {
      const host = normalizeHost(url.hostname);
      if (url.username !== '' || url.password !== '') {
        throw permanentMediaError(MediaErrorCode.HOST_FORBIDDEN, `media URL on ${host} carries credentials`);
      }
      if (!isAllowedHost(host)) {
        throw permanentMediaError(MediaErrorCode.HOST_FORBIDDEN, `media host ${host} is not allowed`);
      }
      const secure = url.protocol === 'https:';
      const localPlain = url.protocol === 'http:' && isAllowedLocalHost(host);
      if (!secure && !localPlain) {
        throw permanentMediaError(MediaErrorCode.HOST_FORBIDDEN, `media URL on ${host} is not https`);
      }
      if (isPrivateAddress(host) && !isAllowedLocalHost(host)) {
        throw permanentMediaError(MediaErrorCode.HOST_FORBIDDEN, `media host ${host} is a private address`);
      }
    },
    assertAddressAllowed(host, address) {
      const name = normalizeHost(host);
      if (isPrivateAddress(address) && !isAllowedLocalHost(name)) {
        throw permanentMediaError(MediaErrorCode.HOST_FORBIDDEN, `media host ${name} resolves to a private address`);
      }
    },
  };
};
