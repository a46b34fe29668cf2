import type { WhapiChannelV1 } from '@wagw/contracts';
import { isGatewayError } from '@wagw/core/errors';
import { guardedGet } from '../media/guarded-get';
import { WHAPI_MEDIA_HOST_SUFFIXES, createHostPolicy, hostOf, normalizeHost } from '../media/host-policy';
import type { HostPolicy } from '../media/host-policy';
import { assertDeclaredSize, declaredSize, limitBody } from '../media/media-body';
import { OCTET_STREAM, isSuccessStatus, meaningfulType, mediaFetchOptions } from '../media/media-client';
import type { MediaClient, MediaClientOptions, MediaDownload, MediaFetchOptions, MediaRequest } from '../media/media-client';
import { MediaErrorCode, httpStatusError, permanentMediaError } from '../media/media-error-codes';


const parsedUrl = (text: string): URL | undefined => {
  try {
    return new URL(text);
  } catch {
    return undefined;
  }
};

/**
 * Whether a webhook link may be sent the channel token: only Whapi's media endpoint, a path under
 * `/media/` on the channel's API base URL or on Whapi's own domain. A link to any other path of those
 * hosts (or anywhere else) is fetched without it.
 */
const mayCarryToken = (url: URL, baseUrl: string): boolean => {
  const host = normalizeHost(url.hostname);
  const base = parsedUrl(baseUrl);
  const onApiBase = base !== undefined && host === normalizeHost(base.hostname) && url.pathname.startsWith(`${base.pathname.replace(/\/+$/, '')}/media/`);
  const onWhapiDomain = WHAPI_MEDIA_HOST_SUFFIXES.some((suffix) => host === suffix || host.endsWith(`.${suffix}`)) && url.pathname.startsWith('/media/');
  return onApiBase || onWhapiDomain;
};

/**
 * Whapi media: the webhook's `link` when Whapi sent one (auto-download on), else `GET /media/{id}`.
 * A link that cannot be used (foreign host, gone, refused) falls back to the media id when there is one.
 */
export class WhapiMediaClient implements MediaClient {
  private readonly allowedHosts: readonly string[];
  private readonly fetchOptions: MediaFetchOptions;

  constructor(options: MediaClientOptions = {}) {
    this.allowedHosts = options.allowedHosts ?? [];
    this.fetchOptions = mediaFetchOptions(options);
  }

  async open({ job, channel, maxBytes }: MediaRequest): Promise<MediaDownload> {
    if (channel.provider !== 'whapi') {
      throw permanentMediaError(MediaErrorCode.JOB_INVALID, `channel ${job.channelId} is not a Whapi channel`);
    }
    const apiHost = hostOf(channel.baseUrl);
    const policy = createHostPolicy({
      exactHosts: [...(apiHost === undefined ? [] : [apiHost]), ...this.allowedHosts],
      domainSuffixes: WHAPI_MEDIA_HOST_SUFFIXES,
    });
    const hasMediaId = job.mediaId !== undefined && job.mediaId !== '';

    if (job.link !== undefined && job.link !== '') {
      try {
        const link = new URL(job.link);
        return await this.download(link, mayCarryToken(link, channel.baseUrl) ? channel : undefined, policy, job.mimeType, maxBytes, 'Whapi media link');
      } catch (error) {
        const tooLarge = isGatewayError(error) && error.code === MediaErrorCode.TOO_LARGE;
        if (!hasMediaId || tooLarge) throw isGatewayError(error) ? error : permanentMediaError(MediaErrorCode.REJECTED, 'Whapi media link is not a URL');
      }
    }
    if (!hasMediaId) throw permanentMediaError(MediaErrorCode.JOB_INVALID, 'Whapi media job has neither a link nor a media id');
    const url = new URL(`${channel.baseUrl.replace(/\/+$/, '')}/media/${encodeURIComponent(job.mediaId ?? '')}`);
    return this.download(url, channel, policy, job.mimeType, maxBytes, 'Whapi media download');
  }

  private async download(
    url: URL,
    channel: WhapiChannelV1 | undefined,
    policy: HostPolicy,
    webhookMimeType: string | undefined,
    maxBytes: number,
    what: string,
  ): Promise<MediaDownload> {
    const headers: Record<string, string> = channel === undefined ? {} : { authorization: `Bearer ${channel.apiToken}` };
    const response = await guardedGet(url, { ...this.fetchOptions, policy, headers });
    if (!isSuccessStatus(response.status)) {
      response.body.destroy();
      throw httpStatusError(response.status, what);
    }
    const size = declaredSize(response.headers['content-length']);
    try {
      assertDeclaredSize(size, maxBytes, 'Whapi media');
    } catch (error) {
      response.body.destroy();
      throw error;
    }
    const mimeType = meaningfulType(webhookMimeType) ?? meaningfulType(response.headers['content-type']) ?? OCTET_STREAM;
    return {
      body: limitBody(response.body, maxBytes, what),
      mimeType,
      ...(size === undefined ? {} : { declaredSize: size }),
    };
  }
}
