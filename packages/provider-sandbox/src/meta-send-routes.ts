import { isNonEmptyString, phoneDigits } from './json-values';
import { sandboxMetaMediaId, sandboxWamid } from './message-ids';
import { replyGraphCode, replyGraphError, replyJson } from './replies';
import { baseMimeType, describeForm, formFile, isMultipart, parseJsonObject, parseMultipart, readBody } from './request-body';
import type { SandboxRoute } from './router';
import { applyFault, holdAcceptedAnswer } from './sandbox-context';
import type { SandboxContext } from './sandbox-context';
import { isMarkAsRead, validateMarkAsRead, validateMetaSend } from './send-validation-meta';

export const META_SEND = 'meta-send';
export const META_MEDIA_UPLOAD = 'meta-media-upload';

const MIB = 1024 * 1024;

/** Upload types and size limits of the Cloud API (reference §B). */
const META_MEDIA_LIMITS: Readonly<Record<string, number>> = {
  'audio/aac': 16 * MIB,
  'audio/amr': 16 * MIB,
  'audio/mpeg': 16 * MIB,
  'audio/mp4': 16 * MIB,
  'audio/ogg': 16 * MIB,
  'text/plain': 100 * MIB,
  'application/pdf': 100 * MIB,
  'application/msword': 100 * MIB,
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': 100 * MIB,
  'application/vnd.ms-excel': 100 * MIB,
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': 100 * MIB,
  'application/vnd.ms-powerpoint': 100 * MIB,
  'application/vnd.openxmlformats-officedocument.presentationml.presentation': 100 * MIB,
  'image/jpeg': 5 * MIB,
  'image/png': 5 * MIB,
  'image/webp': 500 * 1024,
  'video/mp4': 16 * MIB,
  'video/3gpp': 16 * MIB,
};

/**
 * Meta: `POST /{version}/{phone_number_id}/messages` (send, or mark as read) and
 * `POST /{version}/{phone_number_id}/media` (multipart upload; the id is then valid in a send and
 * through the media lookup route).
 */
export const metaSendRoutes = (context: SandboxContext): SandboxRoute[] => [
  {
    name: META_SEND,
    method: 'POST',
    pattern: /^\/(?<version>v\d+\.\d+)\/(?<phoneNumberId>[^/]+)\/messages\/?$/,
    async handle(request) {
      const { res, params } = request;
      const body = parseJsonObject(await readBody(request.req));
      if (body !== undefined) request.recorded.body = body;
      const to = typeof body?.to === 'string' ? body.to : undefined;
      const { answered, fault } = await applyFault(context, request, { route: META_SEND, to }, 'meta');
      if (answered) return;
      if (!context.isMetaToken(request.bearer)) return replyGraphError(res, 401);
      if (body === undefined) return replyGraphCode(res, 100, 'The request body must be a JSON object.');

      if (isMarkAsRead(body)) {
        const problem = validateMarkAsRead(body);
        return problem === undefined ? replyJson(res, 200, { success: true }) : replyGraphCode(res, 100, problem);
      }
      const check = validateMetaSend(body, (mediaId) => context.media.has(mediaId));
      if (!check.ok) return replyGraphCode(res, 100, check.details);

      const recipient = String(body.to);
      const providerMessageId = sandboxWamid(context.nextSequence());
      context.recordSent({
        provider: 'meta',
        channelId: params.phoneNumberId ?? '',
        to: recipient,
        type: check.type,
        body,
        providerMessageId,
        acceptedAt: Date.now(),
      });
      if (!(await holdAcceptedAnswer(context, request, fault))) return;
      const waId = body.recipient_type === 'group' ? recipient : phoneDigits(recipient);
      replyJson(res, 200, { messaging_product: 'whatsapp', contacts: [{ input: recipient, wa_id: waId }], messages: [{ id: providerMessageId }] });
    },
  },
  {
    name: META_MEDIA_UPLOAD,
    method: 'POST',
    pattern: /^\/(?<version>v\d+\.\d+)\/(?<phoneNumberId>[^/]+)\/media\/?$/,
    async handle(request) {
      const { res } = request;
      const contentType = request.req.headers['content-type'];
      const bytes = await readBody(request.req);
      const form = isMultipart(contentType) ? await parseMultipart(bytes, contentType) : undefined;
      if (form !== undefined) request.recorded.body = describeForm(form);
      const { answered } = await applyFault(context, request, { route: META_MEDIA_UPLOAD }, 'meta');
      if (answered) return;
      if (!context.isMetaToken(request.bearer)) return replyGraphError(res, 401);
      if (form === undefined) return replyGraphCode(res, 100, 'Upload the file as multipart/form-data.');
      if (form.get('messaging_product') !== 'whatsapp') return replyGraphCode(res, 100, 'The parameter messaging_product is required.');
      const file = formFile(form);
      if (file === undefined) return replyGraphCode(res, 100, 'The parameter file is required.');
      const typeField = form.get('type');
      const declared = file.type !== '' ? file.type : typeof typeField === 'string' ? typeField : '';
      const mimeType = baseMimeType(declared);
      const limit = META_MEDIA_LIMITS[mimeType];
      if (limit === undefined) {
        return replyGraphCode(res, 100, `Param file must be a file with one of the following types: ${Object.keys(META_MEDIA_LIMITS).join(', ')}. Received file of type '${declared}'.`);
      }
      if (file.size === 0) return replyGraphCode(res, 131053, 'The uploaded file is empty.');
      if (file.size > limit) return replyGraphCode(res, 131053, `File of type ${mimeType} is larger than ${limit} bytes.`);

      const mediaId = sandboxMetaMediaId();
      context.media.set(mediaId, { id: mediaId, mimeType, bytes: new Uint8Array(await file.arrayBuffer()) });
      context.recordUpload({ provider: 'meta', mediaId, mimeType, size: file.size, ...(isNonEmptyString(file.name) ? { filename: file.name } : {}) });
      replyJson(res, 200, { id: mediaId });
    },
  },
];
