export type SandboxProvider = 'meta' | 'whapi';

export interface RecordedRequest {
  /** Name of the route that answered, or undefined for a 404 outside every route. */
  route: string | undefined;
  method: string;
  path: string;
  query: Record<string, string>;
  /** Whether an Authorization header was sent (its value is never recorded). */
  authorized: boolean;
  /** When the request arrived (ms since the epoch). */
  receivedAt: number;
  /**
   * The parsed JSON body of a send request; for uploads a description of the file
   * (`{ mimeType, size, filename? }` plus the form's text fields), never its bytes.
   */
  body?: unknown;
}

/** A message the sandbox accepted, as the provider would have delivered it. */
export interface SandboxSentMessage {
  provider: SandboxProvider;
  /** Meta: the phone_number_id of the path. Whapi: the channel of the bearer token ('' when unmapped). */
  channelId: string;
  /** The recipient as the request gave it. */
  to: string;
  /** Meta: the body's `type`. Whapi: the path's type (`text`, `image`, …, `reaction`). */
  type: string;
  /** The request body. */
  body: Record<string, unknown>;
  /** The id answered to the client (a Whapi reaction has none of its own: the reacted-to message id). */
  providerMessageId: string;
  /** When it was accepted (ms since the epoch). */
  acceptedAt: number;
}

export interface SandboxUpload {
  provider: SandboxProvider;
  mediaId: string;
  mimeType: string;
  size: number;
  filename?: string;
}
