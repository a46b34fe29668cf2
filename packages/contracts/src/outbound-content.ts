import * as z from 'zod/mini';

/**
 * The `message` column of wa_outbound_messages: a WhatsApp Cloud API message body without
 * `messaging_product` and `to` (the recipient is the row's `to_id`). Media may also name a file of
 * the gateway's bucket by `s3_key`; the sender uploads it to the provider first. Objects are loose:
 * fields this schema does not know pass through untouched, because the Cloud API keeps adding some.
 * The checks refuse what no provider could send, with a reason a tenant can act on.
 */

export const OUTBOUND_CONTENT_TYPES = [
  'text',
  'image',
  'audio',
  'video',
  'document',
  'sticker',
  'location',
  'contacts',
  'interactive',
  'template',
  'reaction',
] as const;
export type OutboundContentType = (typeof OUTBOUND_CONTENT_TYPES)[number];

export const OUTBOUND_MEDIA_TYPES = ['image', 'audio', 'video', 'document', 'sticker'] as const;
export type OutboundMediaType = (typeof OUTBOUND_MEDIA_TYPES)[number];

const MEDIA_SOURCES = ['link', 'id', 's3_key'] as const;

const NonEmpty = z.string().check(z.minLength(1));
const OptionalText = z.optional(z.string());

const isHttpUrl = (value: string): boolean => {
  try {
    const { protocol } = new URL(value);
    return protocol === 'https:' || protocol === 'http:';
  } catch {
    return false;
  }
};
const HttpUrl = z.string().check(z.refine(isHttpUrl, 'must be an http(s) URL'));

/**
 * A provider message id the message points at (a reply's context, a reaction's target). Whapi puts it
 * in a URL path, so only characters that need no escaping and never a dot segment; at most 200
 * characters because a Whapi reaction's own id is built from it (`reaction:{id}:{uuid}`) and lands in
 * the tenant's provider_message_id column (256).
 */
export const MESSAGE_ID_MAX_CHARS = 200;
const MESSAGE_ID_PATTERN = /^[A-Za-z0-9._:@=+/-]+$/;
export const isSafeMessageId = (value: string): boolean =>
  value.length <= MESSAGE_ID_MAX_CHARS && MESSAGE_ID_PATTERN.test(value) && value !== '.' && value !== '..';
const MessageId = z
  .string()
  .check(z.refine(isSafeMessageId, `must be a message id: 1 to ${MESSAGE_ID_MAX_CHARS} letters, digits or . _ : @ = + / - (not '.' or '..')`));

/** Meta echoes it in status webhooks and takes at most 512 characters. */
const CALLBACK_DATA_MAX_CHARS = 512;
/** An S3 key is at most 1024 bytes (the tenant's media_key column is as wide). */
const S3_KEY_MAX_CHARS = 1024;
/** Each `s3_key` is read and uploaded before the send, within one Lambda invocation. */
export const MAX_S3_MEDIA_PER_MESSAGE = 10;

const NUMERIC = /^\s*-?\d+(\.\d+)?\s*$/;

/** Cloud API takes coordinates as numbers or numeric strings (the send docs type them as strings). */
const coordinate = (limit: number) =>
  z.custom<number | string>(
    (value) =>
      (typeof value === 'number' || (typeof value === 'string' && NUMERIC.test(value))) && Math.abs(Number(value)) <= limit,
    `must be a number or a numeric string between -${limit} and ${limit}`,
  );

const notAllowed = (why: string) => z.optional(z.never({ error: `is not allowed: ${why}` }));

const Common = {
  /** The recipient is the row's to_id; a second one here could only disagree with it. */
  to: notAllowed("the recipient is the row's to_id"),
  recipient_type: z.optional(z.enum(['individual', 'group'])),
  context: z.optional(z.looseObject({ message_id: MessageId })),
  biz_opaque_callback_data: z.optional(z.string().check(z.maxLength(CALLBACK_DATA_MAX_CHARS))),
};

const TextBody = z.looseObject({
  body: NonEmpty.check(z.maxLength(4096)),
  preview_url: z.optional(z.boolean()),
});

const mediaFields = {
  link: z.optional(HttpUrl),
  id: z.optional(NonEmpty),
  s3_key: z.optional(NonEmpty.check(z.maxLength(S3_KEY_MAX_CHARS))),
  filename: OptionalText,
};
const CAPTION_TAKERS = 'only image, video and document take a caption';
const Caption = z.optional(z.string().check(z.maxLength(1024)));
const hasExactlyOneSource = (media: Record<string, unknown>): boolean =>
  MEDIA_SOURCES.filter((source) => media[source] !== undefined).length === 1;
const withOneSource = <T extends z.ZodMiniType<Record<string, unknown>>>(schema: T): T =>
  schema.check(z.refine(hasExactlyOneSource, 'needs exactly one of link, id or s3_key'));

const ImageObject = withOneSource(z.looseObject({ ...mediaFields, caption: Caption }));
const VideoObject = withOneSource(z.looseObject({ ...mediaFields, caption: Caption }));
const DocumentObject = withOneSource(z.looseObject({ ...mediaFields, caption: Caption }));
const AudioObject = withOneSource(
  z.looseObject({ ...mediaFields, caption: notAllowed(CAPTION_TAKERS), voice: z.optional(z.boolean()) }),
);
const StickerObject = withOneSource(z.looseObject({ ...mediaFields, caption: notAllowed(CAPTION_TAKERS) }));

const LocationObject = z.looseObject({
  latitude: coordinate(90),
  longitude: coordinate(180),
  name: OptionalText,
  address: OptionalText,
});

const ContactCard = z.looseObject({
  name: z.looseObject({
    formatted_name: NonEmpty,
    first_name: OptionalText,
    last_name: OptionalText,
    middle_name: OptionalText,
    prefix: OptionalText,
    suffix: OptionalText,
  }),
  phones: z.optional(z.array(z.looseObject({ phone: OptionalText, type: OptionalText, wa_id: OptionalText }))),
  emails: z.optional(z.array(z.looseObject({ email: OptionalText, type: OptionalText }))),
  urls: z.optional(z.array(z.looseObject({ url: OptionalText, type: OptionalText }))),
  org: z.optional(z.looseObject({ company: OptionalText, department: OptionalText, title: OptionalText })),
  birthday: OptionalText,
});

const InteractiveHeader = z.looseObject({
  type: z.enum(['text', 'image', 'video', 'document']),
  text: OptionalText,
});
const InteractiveParts = {
  header: z.optional(InteractiveHeader),
  body: z.looseObject({ text: NonEmpty }),
  footer: z.optional(z.looseObject({ text: z.string() })),
};

const ReplyButton = z.looseObject({
  type: z.literal('reply'),
  reply: z.looseObject({ id: NonEmpty, title: NonEmpty }),
});
const ListRow = z.looseObject({ id: NonEmpty, title: NonEmpty, description: OptionalText });

const InteractiveObject = z.discriminatedUnion('type', [
  z.looseObject({
    type: z.literal('button'),
    ...InteractiveParts,
    action: z.looseObject({ buttons: z.array(ReplyButton).check(z.minLength(1), z.maxLength(3)) }),
  }),
  z.looseObject({
    type: z.literal('list'),
    ...InteractiveParts,
    action: z.looseObject({
      button: NonEmpty,
      sections: z
        .array(z.looseObject({ title: OptionalText, rows: z.array(ListRow).check(z.minLength(1)) }))
        .check(z.minLength(1)),
    }),
  }),
  z.looseObject({
    type: z.literal('cta_url'),
    ...InteractiveParts,
    action: z.looseObject({
      name: z.literal('cta_url'),
      parameters: z.looseObject({ display_text: NonEmpty, url: HttpUrl }),
    }),
  }),
]);

const TemplateObject = z.looseObject({
  name: NonEmpty,
  language: z.looseObject({ code: NonEmpty }),
  components: z.optional(z.array(z.looseObject({ type: NonEmpty }))),
});

const ReactionObject = z.looseObject({
  message_id: MessageId,
  /** "" removes an earlier reaction. */
  emoji: z.string(),
});

export const OutboundContentV1 = z.discriminatedUnion('type', [
  z.looseObject({ ...Common, type: z.literal('text'), text: TextBody }),
  z.looseObject({ ...Common, type: z.literal('image'), image: ImageObject }),
  z.looseObject({ ...Common, type: z.literal('audio'), audio: AudioObject }),
  z.looseObject({ ...Common, type: z.literal('video'), video: VideoObject }),
  z.looseObject({ ...Common, type: z.literal('document'), document: DocumentObject }),
  z.looseObject({ ...Common, type: z.literal('sticker'), sticker: StickerObject }),
  z.looseObject({ ...Common, type: z.literal('location'), location: LocationObject }),
  z.looseObject({ ...Common, type: z.literal('contacts'), contacts: z.array(ContactCard).check(z.minLength(1)) }),
  z.looseObject({ ...Common, type: z.literal('interactive'), interactive: InteractiveObject }),
  z.looseObject({ ...Common, type: z.literal('template'), template: TemplateObject }),
  z.looseObject({
    ...Common,
    type: z.literal('reaction'),
    reaction: ReactionObject,
    context: notAllowed('a reaction cannot quote a message'),
  }),
]);
export type OutboundContentV1 = z.infer<typeof OutboundContentV1>;
export type OutboundContentOf<T extends OutboundContentType> = Extract<OutboundContentV1, { type: T }>;
export type OutboundMediaContent = OutboundContentOf<OutboundMediaType>;
export type OutboundContactCard = z.infer<typeof ContactCard>;
export type OutboundInteractive = z.infer<typeof InteractiveObject>;

export type OutboundContentCheck = { ok: true; content: OutboundContentV1 } | { ok: false; reason: string };

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const isContentType = (value: string): value is OutboundContentType => (OUTBOUND_CONTENT_TYPES as readonly string[]).includes(value);

const formatPath = (path: readonly PropertyKey[]): string =>
  path.reduce<string>((text, key) => (typeof key === 'number' ? `${text}[${key}]` : text === '' ? String(key) : `${text}.${String(key)}`), '');

const article = (expected: string): string => (/^[aeiou]/.test(expected) ? `an ${expected}` : `a ${expected}`);

/** zod's issues, phrased to follow the field's path: "text.body must not be empty". */
const phrase: z.core.$ZodErrorMap = (issue) => {
  switch (issue.code) {
    case 'invalid_type':
      return issue.input === undefined ? 'is required' : `must be ${article(issue.expected)}`;
    case 'too_small':
      if (issue.origin === 'string') return Number(issue.minimum) === 1 ? 'must not be empty' : `needs at least ${issue.minimum} characters`;
      return `needs at least ${issue.minimum} ${Number(issue.minimum) === 1 ? 'entry' : 'entries'}`;
    case 'too_big':
      return issue.origin === 'string' ? `is longer than ${issue.maximum} characters` : `has more than ${issue.maximum} entries`;
    case 'invalid_value':
      return `must be ${issue.values.map((value) => `'${String(value)}'`).join(' or ')}`;
    case 'invalid_union':
      return 'options' in issue && Array.isArray(issue.options)
        ? `must be one of ${issue.options.map(String).join(', ')}`
        : undefined;
    default:
      return undefined;
  }
};

const MAX_REASONS = 3;

const MEDIA_KINDS: readonly string[] = OUTBOUND_MEDIA_TYPES;

/** The `s3_key` of a `{type, [type]: media}` holder, if it has one. */
const s3KeyOf = (holder: unknown): string | undefined => {
  if (!isObject(holder) || typeof holder.type !== 'string' || !MEDIA_KINDS.includes(holder.type)) return undefined;
  const media = holder[holder.type];
  return isObject(media) && typeof media.s3_key === 'string' ? media.s3_key : undefined;
};

/**
 * The distinct `s3_key`s a message names: its own media, an interactive header, template component
 * parameters (where the sender uploads from).
 */
export const outboundS3Keys = (content: Record<string, unknown>): string[] => {
  const holders: unknown[] = [content];
  const { interactive, template } = content;
  if (isObject(interactive)) holders.push(interactive.header);
  if (isObject(template) && Array.isArray(template.components)) {
    for (const component of template.components) {
      if (isObject(component) && Array.isArray(component.parameters)) holders.push(...(component.parameters as unknown[]));
    }
  }
  const keys = new Set<string>();
  for (const holder of holders) {
    const key = s3KeyOf(holder);
    if (key !== undefined) keys.add(key);
  }
  return [...keys];
};

/** Checks an already parsed `message` value against OutboundContentV1. */
export const checkOutboundContent = (value: unknown): OutboundContentCheck => {
  if (!isObject(value)) return { ok: false, reason: 'message must be a JSON object' };
  const { type } = value;
  if (type === undefined) {
    const markAsRead = value.status === 'read' && value.message_id !== undefined;
    return { ok: false, reason: markAsRead ? 'a mark-as-read request is not a message' : 'message has no type' };
  }
  if (typeof type !== 'string') return { ok: false, reason: 'type must be a string' };
  if (!isContentType(type)) {
    return { ok: false, reason: `unknown type '${type}' (expected one of ${OUTBOUND_CONTENT_TYPES.join(', ')})` };
  }
  if (value[type] === undefined) {
    const what = type === 'contacts' ? 'array' : 'object';
    return { ok: false, reason: `type '${type}' needs ${/^[aeiou]/.test(type) ? 'an' : 'a'} '${type}' ${what}` };
  }
  const result = OutboundContentV1.safeParse(value, { error: phrase });
  if (result.success) {
    const s3Keys = outboundS3Keys(result.data).length;
    if (s3Keys > MAX_S3_MEDIA_PER_MESSAGE) {
      return { ok: false, reason: `message names ${s3Keys} s3_key media; at most ${MAX_S3_MEDIA_PER_MESSAGE} per message` };
    }
    return { ok: true, content: result.data };
  }
  const reasons = result.error.issues.slice(0, MAX_REASONS).map((issue) => {
    const path = formatPath(issue.path);
    return path === '' ? issue.message : `${path} ${issue.message}`;
  });
  return { ok: false, reason: reasons.join('; ') };
};

/** Parses a row's `message` column text: `{ok:true, content}` or `{ok:false, reason}` to record on the row. */
export const parseOutboundContent = (text: string): OutboundContentCheck => {
  let value: unknown;
  try {
    value = JSON.parse(text) as unknown;
  } catch {
    return { ok: false, reason: 'message is not valid JSON' };
  }
  return checkOutboundContent(value);
};
