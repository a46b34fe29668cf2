/**
 * The file extension (with its dot) of a stored media object. The MIME type decides; the sender's
 * filename is used only when the type says nothing (octet-stream, unknown) and its extension is a
 * plain short token. Never derived from the message type: a document can be anything.
 */

const BY_MIME_TYPE: Readonly<Record<string, string>> = {
  // images and stickers
  'image/jpeg': '.jpg',
  'image/jpg': '.jpg',
  'image/pjpeg': '.jpg',
  'image/png': '.png',
  'image/webp': '.webp',
  'image/gif': '.gif',
  'image/heic': '.heic',
  'image/heif': '.heif',
  // audio
  'audio/ogg': '.ogg',
  'audio/opus': '.opus',
  'audio/mpeg': '.mp3',
  'audio/mp3': '.mp3',
  'audio/mp4': '.m4a',
  'audio/x-m4a': '.m4a',
  'audio/aac': '.aac',
  'audio/amr': '.amr',
  'audio/wav': '.wav',
  'audio/x-wav': '.wav',
  'audio/webm': '.weba',
  // video
  'video/mp4': '.mp4',
  'video/3gpp': '.3gp',
  'video/quicktime': '.mov',
  'video/webm': '.webm',
  // documents
  'application/pdf': '.pdf',
  'text/plain': '.txt',
  'text/csv': '.csv',
  'application/msword': '.doc',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': '.docx',
  'application/vnd.ms-excel': '.xls',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': '.xlsx',
  'application/vnd.ms-powerpoint': '.ppt',
  'application/vnd.openxmlformats-officedocument.presentationml.presentation': '.pptx',
  'application/vnd.oasis.opendocument.text': '.odt',
  'application/vnd.oasis.opendocument.spreadsheet': '.ods',
  'application/vnd.oasis.opendocument.presentation': '.odp',
  'application/rtf': '.rtf',
  'application/zip': '.zip',
  'application/json': '.json',
  'text/vcard': '.vcf',
  'text/x-vcard': '.vcf',
};

const FALLBACK = '.bin';
const SAFE_FILENAME_EXTENSION = /^\.[a-z0-9]{1,8}$/;

/** `audio/ogg; codecs=opus` → `audio/ogg`; lowercase, trimmed. */
export const essenceOf = (mimeType: string): string => (mimeType.split(';')[0] ?? '').trim().toLowerCase();

const filenameExtension = (filename: string): string | undefined => {
  const base = filename.split(/[\\/]/).pop() ?? '';
  const dot = base.lastIndexOf('.');
  if (dot <= 0) return undefined;
  const extension = base.slice(dot).toLowerCase();
  return SAFE_FILENAME_EXTENSION.test(extension) ? extension : undefined;
};

export const fileExtensionFor = (mimeType: string | undefined, filename?: string): string => {
  const known = mimeType === undefined ? undefined : BY_MIME_TYPE[essenceOf(mimeType)];
  if (known !== undefined) return known;
  const fromName = filename === undefined ? undefined : filenameExtension(filename);
  return fromName ?? FALLBACK;
};
