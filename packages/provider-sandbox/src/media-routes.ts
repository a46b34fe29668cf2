import { createHash, randomBytes } from 'node:crypto';
import { applyFault } from './sandbox-context';
import type { SandboxContext } from './sandbox-context';
import type { SandboxRoute } from './router';
import { replyGraphError, replyJson, replyWhapiError, serveBytes } from './replies';

export const META_MEDIA_LOOKUP = 'meta-media-lookup';
export const META_MEDIA_DOWNLOAD = 'meta-media-download';
export const WHAPI_MEDIA = 'whapi-media';
export const WHAPI_MEDIA_LINK = 'whapi-media-link';

const META_DOWNLOAD_PATH = '/whatsapp_business/attachments/';
const WHAPI_LINK_PATH = '/whapi-files/';

/** The link Whapi puts in a webhook when auto-download is on, pointing at this sandbox. */
export const whapiMediaLink = (baseUrl: string, mediaId: string): string => `${baseUrl}${WHAPI_LINK_PATH}${encodeURIComponent(mediaId)}`;

/**
 * Meta: `GET /{version}/{media-id}` gives a short-lived download URL on the sandbox itself, and that
 * URL serves the bytes to a caller holding the token, like lookaside.fbsbx.com does.
 */
export const metaMediaRoutes = (context: SandboxContext): SandboxRoute[] => [
  {
    name: META_MEDIA_LOOKUP,
    method: 'GET',
    pattern: /^\/(?<version>v\d+\.\d+)\/(?<mediaId>[^/]+)\/?$/,
    async handle(request) {
      const mediaId = request.params.mediaId;
      const { answered, fault } = await applyFault(context, request, { route: META_MEDIA_LOOKUP, mediaId }, 'meta');
      if (answered) return;
      if (!context.isMetaToken(request.bearer)) return replyGraphError(request.res, 401);
      const media = mediaId === undefined ? undefined : context.media.get(mediaId);
      if (media === undefined) return replyGraphError(request.res, 404);

      const url = new URL(`${context.baseUrl()}${META_DOWNLOAD_PATH}`);
      url.searchParams.set('mid', media.id);
      url.searchParams.set('ext', String(Math.floor(Date.now() / 1000) + 300));
      url.searchParams.set('hash', randomBytes(8).toString('hex'));
      replyJson(request.res, 200, {
        messaging_product: 'whatsapp',
        url: url.href,
        mime_type: media.mimeType,
        sha256: createHash('sha256').update(media.bytes).digest('hex'),
        file_size: String(fault?.declaredSize ?? media.bytes.length),
        id: media.id,
      });
    },
  },
  {
    name: META_MEDIA_DOWNLOAD,
    method: 'GET',
    pattern: /^\/whatsapp_business\/attachments\/?$/,
    async handle(request) {
      const mediaId = request.url.searchParams.get('mid') ?? undefined;
      const { answered, fault } = await applyFault(context, request, { route: META_MEDIA_DOWNLOAD, mediaId }, 'meta');
      if (answered) return;
      if (!context.isMetaToken(request.bearer)) return replyGraphError(request.res, 401);
      const media = mediaId === undefined ? undefined : context.media.get(mediaId);
      if (media === undefined) return replyGraphError(request.res, 404);
      serveBytes(request.res, media.mimeType, media.bytes, fault ?? {});
    },
  },
];

/** Whapi: `GET /media/{id}` with the channel token, and the webhook `link` (no token needed). */
export const whapiMediaRoutes = (context: SandboxContext): SandboxRoute[] => {
  const serve = (route: string, requireToken: boolean): SandboxRoute['handle'] =>
    async (request) => {
      const mediaId = request.params.mediaId;
      const { answered, fault } = await applyFault(context, request, { route, mediaId }, 'whapi');
      if (answered) return;
      if (requireToken && !context.isWhapiToken(request.bearer)) return replyWhapiError(request.res, 401);
      const media = mediaId === undefined ? undefined : context.media.get(mediaId);
      if (media === undefined) return replyWhapiError(request.res, 404);
      serveBytes(request.res, media.mimeType, media.bytes, fault ?? {});
    };
  return [
    { name: WHAPI_MEDIA, method: 'GET', pattern: /^\/media\/(?<mediaId>[^/]+)\/?$/, handle: serve(WHAPI_MEDIA, true) },
    { name: WHAPI_MEDIA_LINK, method: 'GET', pattern: /^\/whapi-files\/(?<mediaId>[^/]+)\/?$/, handle: serve(WHAPI_MEDIA_LINK, false) },
  ];
};
