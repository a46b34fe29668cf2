const MIB = 1024 * 1024;

/**
 * Largest file WhatsApp delivers per message kind (Cloud API reference, "Supported types and maximum
 * sizes"), in MiB so that a file just at Meta's decimal limit still fits. Kinds not listed (Whapi's
 * `gif`, `short`, anything new) fall back to the global cap.
 */
export const MEDIA_KIND_MAX_BYTES: Readonly<Record<string, number>> = {
  image: 5 * MIB,
  audio: 16 * MIB,
  voice: 16 * MIB,
  video: 16 * MIB,
  gif: 16 * MIB,
  short: 16 * MIB,
  document: 100 * MIB,
  sticker: 500 * 1024,
};

export const DEFAULT_MEDIA_MAX_BYTES = 100 * MIB;

/** The byte limit of one download: the kind's limit, never above the global cap. */
export const mediaSizeLimit = (kind: string, globalMaxBytes: number = DEFAULT_MEDIA_MAX_BYTES): number =>
  Math.min(MEDIA_KIND_MAX_BYTES[kind.toLowerCase()] ?? globalMaxBytes, globalMaxBytes);
