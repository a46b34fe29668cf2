import { OUTBOUND_STATUS_RANK } from '@wagw/contracts';
import type { Migration } from '../migration';
import { LISTED_STATUS_EVENTS_LIMIT, ROW_STATUS_EVENT_STATUSES } from '../outbound-row-codec';

/**
 * Every SQL text the PostgreSQL dialect runs (used by both `pg` and PGlite). Values are always
 * bound as $n parameters; no identifier is ever built from data.
 */

/** Serialises migrations across concurrent runners (any constant works; this one spells "wagw"). */
const MIGRATION_LOCK_KEY = 0x77616777;

/** Serialises leases across concurrent collectors of one database ("wagl"); see leaseDueMessages. */
const LEASE_LOCK_KEY = 0x7761676c;

export const postgresMigrations: readonly Migration[] = [
  {
    version: 1,
    name: 'contract tables: wa_inbound_messages, wa_outbound_messages, wa_status_events',
    statements: [
      `CREATE TABLE wa_inbound_messages (
  id                  bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, -- surrogate key, increases with insert order
  provider            text NOT NULL                                   -- 'meta' | 'whapi'
                      CONSTRAINT wa_inbound_messages_provider_ck CHECK (provider IN ('meta', 'whapi')),
  channel_id          text NOT NULL,          -- Meta phone_number_id or Whapi channel id that received the message
  provider_message_id text NOT NULL,          -- Meta wamid / Whapi message id
  from_id             text NOT NULL,          -- sender: wa_id, phone number or business-scoped user id
  from_name           text NULL,              -- sender's profile name, when the provider sent one
  type                text NOT NULL,          -- text, image, audio, voice, video, document, sticker, location, contacts, interactive, button, reaction, order, system, unsupported, ...
  body                text NULL,              -- the human-readable part: text, caption, button/list title, reaction emoji
  reply_to_id         text NULL,              -- provider_message_id of the message this one replies to (context)
  media_status        text NOT NULL DEFAULT 'none' -- 'none' (no media) | 'pending' (being fetched) | 'stored' | 'failed'
                      CONSTRAINT wa_inbound_messages_media_status_ck CHECK (media_status IN ('none', 'pending', 'stored', 'failed')),
  media_key           text NULL,              -- S3 object key of the stored media (gateway bucket)
  media_mime_type     text NULL,              -- content type of the stored media
  media_size          bigint NULL,            -- size of the stored media in bytes
  media_sha256        text NULL,              -- SHA-256 of the stored media bytes (hex)
  media_error         text NULL,              -- why media_status is 'failed' ("CODE: reason")
  payload             jsonb NOT NULL,         -- normalized JSON of the type-specific object
  raw                 jsonb NOT NULL,         -- the provider's original message item (JSON)
  sent_at             timestamptz NOT NULL,   -- provider timestamp of the message
  received_at         timestamptz NOT NULL,   -- when the gateway received the webhook
  CONSTRAINT wa_inbound_messages_message_uq UNIQUE (provider, channel_id, provider_message_id)
)`,
      `CREATE INDEX wa_inbound_messages_conversation_ix ON wa_inbound_messages (channel_id, from_id, sent_at)`,
      `CREATE INDEX wa_inbound_messages_received_ix ON wa_inbound_messages (received_at)`,
      `CREATE TABLE wa_outbound_messages (
  id                  bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, -- row id; part of the send deduplication id
  channel_id          text NULL,              -- tenant: sending channel; NULL = the tenant's default channel
  to_id               text NOT NULL,          -- tenant: recipient (phone number / wa_id, or Whapi chat id)
  message             text NOT NULL,          -- tenant: JSON in the Cloud API message shape without messaging_product/to
  not_before          timestamptz NULL,       -- tenant: do not send before this instant (NULL = as soon as possible)
  status              text NOT NULL DEFAULT 'pending' -- gateway: pending -> queued -> sent -> delivered -> read, or failed
                      CONSTRAINT wa_outbound_messages_status_ck CHECK (status IN ('pending', 'queued', 'sent', 'delivered', 'read', 'failed')),
  attempts            integer NOT NULL DEFAULT 0, -- gateway: how many times the row was leased for sending
  reserved_until      timestamptz NULL,       -- gateway: lease expiry while a collector/sender owns the row
  provider            text NULL,              -- gateway: provider the message was sent through ('meta' | 'whapi')
  provider_message_id text NULL,              -- gateway: provider's message id (wamid / Whapi id) once sent
  error_code          text NULL,              -- gateway: provider or gateway error code when failed
  error_message       text NULL,              -- gateway: human-readable reason when failed
  created_at          timestamptz NOT NULL DEFAULT now(), -- when the row was inserted
  queued_at           timestamptz NULL,       -- gateway: when the row was put on the send queue
  sent_at             timestamptz NULL,       -- gateway: when the provider accepted the message
  delivered_at        timestamptz NULL,       -- gateway: delivery receipt time
  read_at             timestamptz NULL,       -- gateway: read receipt time
  failed_at           timestamptz NULL,       -- gateway: when the row became 'failed'
  updated_at          timestamptz NOT NULL DEFAULT now() -- gateway: last change by the gateway
)`,
      `CREATE INDEX wa_outbound_messages_lease_ix ON wa_outbound_messages (status, not_before)`,
      `CREATE INDEX wa_outbound_messages_provider_message_ix ON wa_outbound_messages (provider_message_id)`,
      `CREATE TABLE wa_status_events (
  id                  bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, -- surrogate key, increases with insert order
  provider            text NOT NULL,          -- 'meta' | 'whapi'
  channel_id          text NOT NULL,          -- channel the message was sent from
  provider_message_id text NOT NULL,          -- the message the status is about (wamid / Whapi id)
  status              text NOT NULL,          -- sent, delivered, read, played, failed, ... (unfamiliar values kept as sent)
  recipient_id        text NULL,              -- recipient's wa_id / phone, when known
  occurred_at         timestamptz NOT NULL,   -- provider timestamp of the status
  error_code          text NULL,              -- provider error code for failed statuses
  error_message       text NULL,              -- provider error title/details for failed statuses
  raw                 jsonb NULL,             -- the provider's original status item or the send result (JSON)
  received_at         timestamptz NOT NULL DEFAULT now(), -- when the gateway recorded it
  CONSTRAINT wa_status_events_status_uq UNIQUE (provider, provider_message_id, status)
)`,
    ],
  },
  {
    version: 2,
    name: 'outbound path: wa_status_events.outbound_message_id, lease, conversation and reaper indexes',
    statements: [
      `ALTER TABLE wa_status_events
  ADD COLUMN outbound_message_id bigint NULL -- wa_outbound_messages.id of a send result's row; NULL for provider receipts`,
      `CREATE INDEX wa_status_events_outbound_message_ix ON wa_status_events (outbound_message_id)`,
      `CREATE INDEX wa_outbound_messages_reap_ix ON wa_outbound_messages (status, reserved_until)`,
      `CREATE INDEX wa_outbound_messages_due_ix ON wa_outbound_messages (status, id)`,
      `CREATE INDEX wa_outbound_messages_conversation_ix ON wa_outbound_messages (to_id, status, id)`,
    ],
  },
];

const INBOUND_COLUMNS = `id, provider, channel_id, provider_message_id, from_id, from_name, type, body, reply_to_id,
  media_status, media_key, media_mime_type, media_size, media_sha256, media_error, payload, raw, sent_at, received_at`;

const OUTBOUND_COLUMNS = `id, channel_id, to_id, message, not_before, status, attempts, reserved_until, provider,
  provider_message_id, error_code, error_message, created_at, queued_at, sent_at, delivered_at, read_at, failed_at, updated_at`;

const LEASED_COLUMNS = `m.id, m.channel_id, m.to_id, m.message, m.attempts, m.reserved_until, m.created_at`;

const STATUS_EVENT_COLUMNS = `id, provider, channel_id, provider_message_id, status, recipient_id, occurred_at, error_code,
  error_message, raw, outbound_message_id, received_at`;

/** The event statuses listStatusEvents reads back (built from the constant, never from data). */
const ROW_STATUS_EVENTS = ROW_STATUS_EVENT_STATUSES.map((status) => `'${status}'`).join(', ');

/** A row's status as its OUTBOUND_STATUS_RANK (built from the constant, never from data). */
const STATUS_RANK = `CASE status ${Object.entries(OUTBOUND_STATUS_RANK)
  .map(([status, rank]) => `WHEN '${status}' THEN ${rank}`)
  .join(' ')} END`;

export const postgresStatements = {
  lockMigrations: `SELECT pg_advisory_xact_lock(${MIGRATION_LOCK_KEY})`,
  createMigrationsTable: `CREATE TABLE IF NOT EXISTS wa_schema_migrations (
  version    integer PRIMARY KEY,                 -- migration number
  name       text NOT NULL,                       -- what it changed
  applied_at timestamptz NOT NULL DEFAULT now()   -- when it was applied
)`,
  selectMigration: `SELECT version FROM wa_schema_migrations WHERE version = $1`,
  recordMigration: `INSERT INTO wa_schema_migrations (version, name) VALUES ($1, $2)`,

  /** $1..$18 in InboundColumnValues order; returns a row only when this call inserted it. */
  insertInboundMessage: `INSERT INTO wa_inbound_messages (
  provider, channel_id, provider_message_id, from_id, from_name, type, body, reply_to_id,
  media_status, media_key, media_mime_type, media_size, media_sha256, media_error, payload, raw, sent_at, received_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15::jsonb, $16::jsonb, $17, $18)
ON CONFLICT (provider, channel_id, provider_message_id) DO NOTHING
RETURNING id`,
  selectInboundMediaStatus: `SELECT media_status FROM wa_inbound_messages
WHERE provider = $1 AND channel_id = $2 AND provider_message_id = $3`,
  applyMediaStored: `UPDATE wa_inbound_messages
SET media_status = 'stored', media_key = $4, media_mime_type = $5, media_size = $6, media_sha256 = $7, media_error = NULL
WHERE provider = $1 AND channel_id = $2 AND provider_message_id = $3 AND media_status = 'pending'`,
  applyMediaFailed: `UPDATE wa_inbound_messages
SET media_status = 'failed', media_error = $4
WHERE provider = $1 AND channel_id = $2 AND provider_message_id = $3 AND media_status = 'pending'`,
  listInboundMessages: `SELECT ${INBOUND_COLUMNS} FROM wa_inbound_messages ORDER BY id LIMIT $1`,
  findInboundMessage: `SELECT ${INBOUND_COLUMNS} FROM wa_inbound_messages
WHERE provider = $1 AND channel_id = $2 AND provider_message_id = $3`,

  /** Taken in the lease's transaction, before the lease: leases of one database run one after another. */
  lockLeases: `SELECT pg_advisory_xact_lock(${LEASE_LOCK_KEY})`,
  /**
   * $1 now, $2 reserved_until, $3 limit. Locks the oldest due rows, skipping rows another collector
   * holds (a row whose lease committed meanwhile is re-checked and dropped), and leases them.
   * A row is due only while no older row of its conversation (same to_id, same channel_id with NULL
   * as the default channel) is in flight — 'queued', or 'pending' under a live lease — so a
   * conversation's messages go out one lease at a time, in id order; the older rows taken by this
   * same lease were not in flight when it started, so a conversation's due rows come together.
   * The check reads the statement's snapshot, hence lockLeases first: a lease running concurrently
   * could otherwise take a younger row while this one takes its elder.
   * RETURNING comes in no particular order: the caller sorts by id.
   */
  leaseDueMessages: `WITH due AS (
  SELECT c.id FROM wa_outbound_messages AS c
  WHERE c.status = 'pending'
    AND (c.not_before IS NULL OR c.not_before <= $1::timestamptz)
    AND (c.reserved_until IS NULL OR c.reserved_until < $1::timestamptz)
    AND NOT EXISTS (
      SELECT 1 FROM wa_outbound_messages AS older
      WHERE older.to_id = c.to_id
        AND COALESCE(older.channel_id, '') = COALESCE(c.channel_id, '')
        AND older.id < c.id
        AND (older.status = 'queued' OR (older.status = 'pending' AND older.reserved_until >= $1::timestamptz))
    )
  ORDER BY c.id
  LIMIT $3
  FOR UPDATE OF c SKIP LOCKED
)
UPDATE wa_outbound_messages AS m
SET reserved_until = $2::timestamptz, attempts = m.attempts + 1, updated_at = $1::timestamptz
FROM due
WHERE m.id = due.id
RETURNING ${LEASED_COLUMNS}`,
  /** $1 ids, $2 attempts (pairwise), $3 now: only rows still 'pending' under the attempt the caller holds. */
  markQueued: `UPDATE wa_outbound_messages AS m
SET status = 'queued', queued_at = $3::timestamptz, updated_at = $3::timestamptz
FROM unnest($1::bigint[], $2::integer[]) AS held (id, attempt)
WHERE m.id = held.id AND m.attempts = held.attempt AND m.status = 'pending'`,
  /** $1 ids, $2 attempts, $3 now: gives the attempt back, so the next lease reuses its deduplication id. */
  releaseLeases: `UPDATE wa_outbound_messages AS m
SET reserved_until = NULL, attempts = m.attempts - 1, updated_at = $3::timestamptz
FROM unnest($1::bigint[], $2::integer[]) AS held (id, attempt)
WHERE m.id = held.id AND m.attempts = held.attempt AND m.status = 'pending'`,
  /** $1 id, $2 attempt, $3 error_code, $4 error_message, $5 now. */
  failOutboundMessage: `UPDATE wa_outbound_messages
SET status = 'failed', error_code = $3::text, error_message = $4::text, failed_at = $5::timestamptz,
    reserved_until = NULL, updated_at = $5::timestamptz
WHERE id = $1::bigint AND attempts = $2::integer AND status = 'pending'`,
  /**
   * $1 now, $2 max_attempts, $3 error_code, $4 error_message, $5 expired_before; one row: requeued,
   * failed. Only leases that ended before $5 (the caller's grace before now) are reaped.
   */
  reapExpiredLeases: `WITH reaped AS (
  UPDATE wa_outbound_messages
  SET status = CASE WHEN attempts >= $2::integer THEN 'failed' ELSE 'pending' END,
      reserved_until = NULL,
      error_code = CASE WHEN attempts >= $2::integer THEN $3::text ELSE error_code END,
      error_message = CASE WHEN attempts >= $2::integer THEN $4::text ELSE error_message END,
      failed_at = CASE WHEN attempts >= $2::integer THEN $1::timestamptz ELSE failed_at END,
      updated_at = $1::timestamptz
  WHERE status = 'queued' AND reserved_until < $5::timestamptz
  RETURNING status
)
SELECT count(*) FILTER (WHERE status = 'pending')::integer AS requeued,
       count(*) FILTER (WHERE status = 'failed')::integer AS failed
FROM reaped`,

  /**
   * $1 id, $2 provider, $3 channel_id, $4 provider_message_id, $5 sent_at, $6 now, $7 exhausted_code,
   * $8 unknown_code. An acceptance is proof whatever attempt it came from: it applies to a row without
   * a provider message id that still waits ('pending'/'queued') or that the gateway failed only for
   * lack of an answer (attempts exhausted, outcome unknown).
   */
  applySendResultSent: `UPDATE wa_outbound_messages
SET status = 'sent', provider = $2::text, channel_id = COALESCE(channel_id, $3::text), provider_message_id = $4::text,
    sent_at = $5::timestamptz, queued_at = COALESCE(queued_at, $5::timestamptz), reserved_until = NULL,
    error_code = NULL, error_message = NULL, failed_at = NULL, updated_at = $6::timestamptz
WHERE id = $1::bigint AND provider_message_id IS NULL
  AND (status IN ('pending', 'queued') OR (status = 'failed' AND error_code IN ($7::text, $8::text)))`,
  /** $1 id, $2 attempt, $3 provider, $4 channel_id, $5 error_code, $6 error_message, $7 failed_at, $8 now. */
  applySendResultFailed: `UPDATE wa_outbound_messages
SET status = 'failed', provider = $3::text, channel_id = COALESCE(channel_id, $4::text), error_code = $5::text,
    error_message = $6::text, failed_at = $7::timestamptz, reserved_until = NULL, updated_at = $8::timestamptz
WHERE id = $1::bigint AND attempts = $2::integer AND status IN ('pending', 'queued')`,
  /**
   * $1 id, $2 provider, $3 channel_id, $4 provider_message_id, $5 occurred_at, $6 now, $7 exhausted_code,
   * $8 unknown_code. A receipt naming this row (Meta's callback data) puts its wamid on the row: only a
   * row without one, on this provider and channel (or none yet), still waiting for its send result or
   * failed only for lack of an answer. Any attempt: the receipt proves that one was accepted.
   */
  claimSentMessage: `UPDATE wa_outbound_messages
SET status = 'sent', provider = $2::text, channel_id = COALESCE(channel_id, $3::text), provider_message_id = $4::text,
    sent_at = COALESCE(sent_at, $5::timestamptz), reserved_until = NULL, error_code = NULL, error_message = NULL,
    failed_at = NULL, updated_at = $6::timestamptz
WHERE id = $1::bigint AND provider_message_id IS NULL
  AND (provider IS NULL OR provider = $2::text)
  AND (channel_id IS NULL OR channel_id = $3::text)
  AND (status IN ('pending', 'queued') OR (status = 'failed' AND error_code IN ($7::text, $8::text)))`,
  /**
   * $1 provider, $2 provider_message_id, $3 status, $4 rank, $5 occurred_at, $6 error_code,
   * $7 error_message, $8 now. Moves the row only to a higher rank; see SCHEMA.md for the rule.
   */
  applyReceipt: `UPDATE wa_outbound_messages
SET status = $3::text,
    sent_at = CASE WHEN $3::text IN ('sent', 'delivered', 'read') THEN COALESCE(sent_at, $5::timestamptz) ELSE sent_at END,
    delivered_at = CASE WHEN $3::text IN ('delivered', 'read') THEN COALESCE(delivered_at, $5::timestamptz) ELSE delivered_at END,
    read_at = CASE WHEN $3::text = 'read' THEN COALESCE(read_at, $5::timestamptz) ELSE read_at END,
    failed_at = CASE WHEN $3::text = 'failed' THEN $5::timestamptz WHEN $3::text IN ('delivered', 'read') THEN NULL ELSE failed_at END,
    error_code = CASE WHEN $3::text = 'failed' THEN $6::text WHEN $3::text IN ('delivered', 'read') THEN NULL ELSE error_code END,
    error_message = CASE WHEN $3::text = 'failed' THEN $7::text WHEN $3::text IN ('delivered', 'read') THEN NULL ELSE error_message END,
    updated_at = $8::timestamptz
WHERE provider = $1::text AND provider_message_id = $2::text AND ${STATUS_RANK} < $4::integer`,
  /** $1 provider, $2 provider_message_id. */
  selectOutboundByProviderMessage: `SELECT id FROM wa_outbound_messages WHERE provider = $1 AND provider_message_id = $2 LIMIT 1`,

  /**
   * $1..$11 in StatusEventValues order. Inserts the event once; a repeat changes nothing, except that
   * it names the outbound row on a recorded event that did not (a receipt recorded before its send
   * result). Returns a row when it inserted (inserted = true: a fresh tuple has no xmax) or filled
   * (inserted = false), none for a plain duplicate.
   */
  recordStatusEvent: `INSERT INTO wa_status_events AS e (
  provider, channel_id, provider_message_id, status, recipient_id, occurred_at, error_code, error_message, raw,
  outbound_message_id, received_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::jsonb, $10::bigint, $11)
ON CONFLICT (provider, provider_message_id, status) DO UPDATE
SET outbound_message_id = COALESCE(e.outbound_message_id, EXCLUDED.outbound_message_id)
WHERE e.outbound_message_id IS NULL AND EXCLUDED.outbound_message_id IS NOT NULL
RETURNING (e.xmax = 0) AS inserted`,
  /** $1 provider, $2 provider_message_id: only statuses that move a row, and a bounded number of them. */
  listStatusEvents: `SELECT ${STATUS_EVENT_COLUMNS} FROM wa_status_events
WHERE provider = $1 AND provider_message_id = $2 AND status IN (${ROW_STATUS_EVENTS})
ORDER BY occurred_at, id
LIMIT ${LISTED_STATUS_EVENTS_LIMIT}`,

  /** Tests and ops: $1 channel_id, $2 to_id, $3 message, $4 not_before (the columns a tenant writes). */
  insertOutboundMessage: `INSERT INTO wa_outbound_messages (channel_id, to_id, message, not_before)
VALUES ($1, $2, $3, $4)
RETURNING id`,
  /** $1 after_id, $2 limit. */
  listOutboundMessages: `SELECT ${OUTBOUND_COLUMNS} FROM wa_outbound_messages WHERE id > $1::bigint ORDER BY id LIMIT $2`,
  findOutboundMessage: `SELECT ${OUTBOUND_COLUMNS} FROM wa_outbound_messages WHERE id = $1::bigint`,
  listStatusEventRecords: `SELECT ${STATUS_EVENT_COLUMNS} FROM wa_status_events ORDER BY id LIMIT $1`,
} as const;
