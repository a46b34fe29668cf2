import type { MetaChannelV1 } from '@wagw/contracts';
import type { MediaFetchError } from '@wagw/core/errors';
import { guardedGet } from '../media/guarded-get';
import type { GuardedResponse } from '../media/guarded-get';
import { META_MEDIA_HOST_SUFFIXES, createHostPolicy, hostOf } from '../media/host-policy';
import type { HostPolicy } from '../media/host-policy';
import { assertDeclaredSize, declaredSize, limitBody, readJson } from '../media/media-body';
import {
  mediaFetchOptions,
  MAX_JSON_BYTES,
  isSuccessStatus,
  OCTET_STREAM,
  meaningfulType,
} from '../media/media-client';
import type { MediaClient, MediaClientOptions, MediaDownload, MediaFetchOptions, MediaRequest } from '../media/media-client';
import { MediaErrorCode, httpStatusError, permanentMediaError, retryableMediaError } from '../media/media-error-codes';
import { isJsonObject } from '../json-body';

/** `GET /{version}/{media-id}`: where the file is right now (the URL expires after 5 minutes). */
interface MediaLocation {
  url: URL;
  mimeType?: string;
  fileSize?: number;
}


const TOKEN_CODES = new Set([0, 190]);
const THROTTLE_CODES = new Set([4, 80007, 130429]);
const UNKNOWN_OBJECT_CODES = new Set([100, 803]);

/** A Graph error envelope → the media error it means; the HTTP status decides when the body says nothing. */
const graphError = (status: number, body: unknown, what: string): MediaFetchError => {
  const error = isJsonObject(body) && isJsonObject(body.error) ? body.error : undefined;
  const code = typeof error?.code === 'number' ? error.code : undefined;
  if (code === undefined) return httpStatusError(status, what);
  const trace = typeof error?.fbtrace_id === 'string' ? `, fbtrace_id ${error.fbtrace_id}` : '';
  const message = `${what} answered HTTP ${status} (Graph error ${code}${trace})`;
  if (TOKEN_CODES.has(code)) return permanentMediaError(MediaErrorCode.UNAUTHORIZED, message);
  if (THROTTLE_CODES.has(code)) return retryableMediaError(MediaErrorCode.PROVIDER_UNAVAILABLE, message);
  if (UNKNOWN_OBJECT_CODES.has(code) || status === 404) return permanentMediaError(MediaErrorCode.NOT_FOUND, message);
  const byStatus = httpStatusError(status, what);
  return byStatus.code === MediaErrorCode.REJECTED ? permanentMediaError(MediaErrorCode.REJECTED, message) : byStatus;
};


/**
 * Meta Cloud API inbound media: re-GET the media id for a fresh URL on every attempt (stored URLs
 * expire), then download it with the channel's token. A 404 on the download gets one more re-GET.
 */
export class MetaMediaClient implements MediaClient {
  private readonly allowedHosts: readonly string[];
  private readonly fetchOptions: MediaFetchOptions;

  constructor(options: MediaClientOptions = {}) {
    this.allowedHosts = options.allowedHosts ?? [];
    this.fetchOptions = mediaFetchOptions(options);
  }

  async open({ job, channel, maxBytes }: MediaRequest): Promise<MediaDownload> {
    if (channel.provider !== 'meta') {
      throw permanentMediaError(MediaErrorCode.JOB_INVALID, `channel ${job.channelId} is not a Meta channel`);
    }
    if (job.mediaId === undefined || job.mediaId === '') {
      throw permanentMediaError(MediaErrorCode.JOB_INVALID, 'Meta media job has no media id');
    }
    const policy = this.policyFor(channel);
    const headers = { authorization: `Bearer ${channel.accessToken}` };

    for (let lookups = 1; ; lookups += 1) {
      const location = await this.locate(channel, job.mediaId, policy, headers);
      assertDeclaredSize(location.fileSize, maxBytes, 'Meta media');
      const response = await this.get(location.url, policy, headers);
      if (response.status === 404 && lookups === 1) {
        response.body.destroy();
        continue;
      }
      if (!isSuccessStatus(response.status)) {
        response.body.destroy();
        throw httpStatusError(response.status, 'Meta media download');
      }
      const size = declaredSize(response.headers['content-length']) ?? location.fileSize;
      try {
        assertDeclaredSize(size, maxBytes, 'Meta media');
      } catch (error) {
        response.body.destroy();
        throw error;
      }
      const mimeType = location.mimeType ?? meaningfulType(response.headers['content-type']) ?? job.mimeType ?? OCTET_STREAM;
      return {
        body: limitBody(response.body, maxBytes, 'Meta media download'),
        mimeType,
        ...(size === undefined ? {} : { declaredSize: size }),
      };
    }
  }

  private policyFor(channel: MetaChannelV1): HostPolicy {
    const graphHost = hostOf(channel.graphBaseUrl);
    return createHostPolicy({
      exactHosts: [...(graphHost === undefined ? [] : [graphHost]), ...this.allowedHosts],
      domainSuffixes: META_MEDIA_HOST_SUFFIXES,
    });
  }

  private get(url: URL, policy: HostPolicy, headers: Record<string, string>): Promise<GuardedResponse> {
    return guardedGet(url, { ...this.fetchOptions, policy, headers });
  }

  private async locate(
    channel: MetaChannelV1,
    mediaId: string,
    policy: HostPolicy,
    headers: Record<string, string>,
  ): Promise<MediaLocation> {
    const base = channel.graphBaseUrl.replace(/\/+$/, '');
    const url = new URL(`${base}/${channel.graphVersion}/${encodeURIComponent(mediaId)}`);
    url.searchParams.set('phone_number_id', channel.channelId);
    const response = await this.get(url, policy, headers);
    const body = await readJson(response.body, MAX_JSON_BYTES, 'Meta media lookup');
    if (!isSuccessStatus(response.status)) throw graphError(response.status, body, 'Meta media lookup');
    if (!isJsonObject(body) || typeof body.url !== 'string') {
      throw permanentMediaError(MediaErrorCode.REJECTED, 'Meta media lookup answered without a url');
    }
    let location: URL;
    try {
      location = new URL(body.url);
    } catch {
      throw permanentMediaError(MediaErrorCode.REJECTED, 'Meta media lookup answered an invalid url');
    }
    const mimeType = typeof body.mime_type === 'string' ? meaningfulType(body.mime_type) : undefined;
    const fileSize = typeof body.file_size === 'string' || typeof body.file_size === 'number' ? declaredSize(body.file_size) : undefined;
    return {
      url: location,
      ...(mimeType === undefined ? {} : { mimeType }),
      ...(fileSize === undefined ? {} : { fileSize }),
    };
  }
}
