import { isNonEmptyString, phoneDigits } from './json-values';
import type { JsonObject } from './json-values';
import { sandboxWhapiMediaId, sandboxWhapiMessageId } from './message-ids';
import { replyJson, replyWhapiBadRequest, replyWhapiError } from './replies';
import { baseMimeType, describeForm, formFile, isMultipart, parseJsonObject, parseMultipart, readBody } from './request-body';
import type { SandboxRequest, SandboxRoute } from './router';
import { applyFault, holdAcceptedAnswer } from './sandbox-context';
import type { SandboxContext } from './sandbox-context';
import { WHAPI_MESSAGE_TYPES, isWhapiMessageType, validateWhapiReaction, validateWhapiSend } from './send-validation-whapi';

export const WHAPI_SEND = 'whapi-send';
export const WHAPI_REACTION = 'whapi-reaction';
export const WHAPI_MEDIA_UPLOAD = 'whapi-media-upload';
export const WHAPI_MARK_READ = 'whapi-mark-read';

const SEND_PATTERN = new RegExp(`^/messages/(?<type>${WHAPI_MESSAGE_TYPES.join('|')})/?$`);
const REACTION_PATTERN = /^\/messages\/(?<messageId>[^/]+)\/reaction\/?$/;

const chatId = (to: string): string => (to.includes('@') ? to : `${phoneDigits(to)}@s.whatsapp.net`);

/** What Whapi echoes as the message's content object: the body without addressing fields. */
const contentOf = (body: JsonObject): JsonObject => {
  const { to: _to, quoted: _quoted, edit: _edit, ephemeral: _ephemeral, typing_time: _typingTime, ...content } = body;
  return content;
};

const channelOf = (context: SandboxContext, bearer: string | undefined): string => (bearer === undefined ? '' : (context.whapiChannelFor(bearer) ?? ''));

/** `POST /messages/{type}`. */
const handleSend = (context: SandboxContext) => async (request: SandboxRequest): Promise<void> => {
  const { res, params } = request;
  const type = params.type ?? '';
  const body = parseJsonObject(await readBody(request.req));
  if (body !== undefined) request.recorded.body = body;
  const to = typeof body?.to === 'string' ? body.to : undefined;
  const { answered, fault } = await applyFault(context, request, { route: WHAPI_SEND, to }, 'whapi');
  if (answered) return;
  if (!context.isWhapiToken(request.bearer)) return replyWhapiError(res, 401);
  if (body === undefined) return replyWhapiBadRequest(res, 'The request body must be a JSON object');
  if (!isWhapiMessageType(type)) return replyWhapiError(res, 404);
  const problem = validateWhapiSend(type, body, (mediaId) => context.media.has(mediaId));
  if (problem !== undefined) return replyWhapiBadRequest(res, problem);

  const recipient = String(body.to);
  const providerMessageId = sandboxWhapiMessageId(context.nextSequence());
  const acceptedAt = Date.now();
  context.recordSent({ provider: 'whapi', channelId: channelOf(context, request.bearer), to: recipient, type, body, providerMessageId, acceptedAt });
  if (!(await holdAcceptedAnswer(context, request, fault))) return;
  replyJson(res, 200, {
    sent: true,
    message: {
      id: providerMessageId,
      from_me: true,
      type,
      chat_id: chatId(recipient),
      timestamp: Math.floor(acceptedAt / 1000),
      source: 'api',
      status: 'pending',
      [type]: contentOf(body),
      ...(isNonEmptyString(body.quoted) ? { context: { quoted_id: body.quoted } } : {}),
    },
  });
};

/**
 * `PUT|DELETE /messages/{id}/reaction`. Whapi gives a reaction no id of its own, so it is recorded
 * under the reacted-to message's id, and posts no status webhooks.
 */
const handleReaction = (context: SandboxContext) => async (request: SandboxRequest): Promise<void> => {
  const { res, params } = request;
  const targetId = params.messageId ?? '';
  const removing = request.req.method === 'DELETE';
  const bytes = await readBody(request.req);
  const body = removing && bytes.length === 0 ? {} : parseJsonObject(bytes);
  if (body !== undefined) request.recorded.body = body;
  const target = context.findSent('whapi', targetId);
  const { answered, fault } = await applyFault(context, request, { route: WHAPI_REACTION, to: target?.to }, 'whapi');
  if (answered) return;
  if (!context.isWhapiToken(request.bearer)) return replyWhapiError(res, 401);
  if (body === undefined) return replyWhapiBadRequest(res, 'The request body must be a JSON object');
  const problem = removing ? undefined : validateWhapiReaction(body);
  if (problem !== undefined) return replyWhapiBadRequest(res, problem);

  context.recordSent(
    { provider: 'whapi', channelId: channelOf(context, request.bearer), to: target?.to ?? '', type: 'reaction', body, providerMessageId: targetId, acceptedAt: Date.now() },
    { statusWebhooks: false },
  );
  if (!(await holdAcceptedAnswer(context, request, fault))) return;
  replyJson(res, 200, { success: true });
};

/** `POST /media`: the raw bytes with their Content-Type, or multipart with a `file` field. */
const handleUpload = (context: SandboxContext) => async (request: SandboxRequest): Promise<void> => {
  const { res } = request;
  const contentType = request.req.headers['content-type'];
  const bytes = await readBody(request.req);
  let file: { mimeType: string; bytes: Uint8Array; filename?: string } | undefined;
  if (isMultipart(contentType)) {
    const form = await parseMultipart(bytes, contentType);
    const part = form === undefined ? undefined : formFile(form);
    if (form !== undefined) request.recorded.body = describeForm(form);
    if (part !== undefined) {
      file = { mimeType: baseMimeType(part.type), bytes: new Uint8Array(await part.arrayBuffer()), ...(isNonEmptyString(part.name) ? { filename: part.name } : {}) };
    }
  } else if (contentType !== undefined) {
    file = { mimeType: baseMimeType(contentType), bytes: new Uint8Array(bytes) };
    request.recorded.body = { mimeType: file.mimeType, size: bytes.length };
  }
  const { answered } = await applyFault(context, request, { route: WHAPI_MEDIA_UPLOAD }, 'whapi');
  if (answered) return;
  if (!context.isWhapiToken(request.bearer)) return replyWhapiError(res, 401);
  if (file === undefined || file.mimeType === '' || file.mimeType === 'application/json') {
    return replyWhapiBadRequest(res, 'Send the file as the body with its Content-Type, or as multipart/form-data');
  }
  if (file.bytes.length === 0) return replyWhapiBadRequest(res, 'The file is empty');

  const mediaId = sandboxWhapiMediaId(file.mimeType);
  context.media.set(mediaId, { id: mediaId, mimeType: file.mimeType, bytes: file.bytes });
  context.recordUpload({ provider: 'whapi', mediaId, mimeType: file.mimeType, size: file.bytes.length, ...(file.filename === undefined ? {} : { filename: file.filename }) });
  replyJson(res, 200, { media: [{ id: mediaId }] });
};

/** `PUT /messages/{id}`: mark as read. */
const handleMarkRead = (context: SandboxContext) => async (request: SandboxRequest): Promise<void> => {
  await readBody(request.req);
  const { answered } = await applyFault(context, request, { route: WHAPI_MARK_READ }, 'whapi');
  if (answered) return;
  if (!context.isWhapiToken(request.bearer)) return replyWhapiError(request.res, 401);
  replyJson(request.res, 200, { success: true });
};

/** Whapi's send endpoints (reference §D4). */
export const whapiSendRoutes = (context: SandboxContext): SandboxRoute[] => [
  { name: WHAPI_SEND, method: 'POST', pattern: SEND_PATTERN, handle: handleSend(context) },
  { name: WHAPI_REACTION, method: 'PUT', pattern: REACTION_PATTERN, handle: handleReaction(context) },
  { name: WHAPI_REACTION, method: 'DELETE', pattern: REACTION_PATTERN, handle: handleReaction(context) },
  { name: WHAPI_MEDIA_UPLOAD, method: 'POST', pattern: /^\/media\/?$/, handle: handleUpload(context) },
  { name: WHAPI_MARK_READ, method: 'PUT', pattern: /^\/messages\/(?<messageId>[^/]+)\/?$/, handle: handleMarkRead(context) },
];
