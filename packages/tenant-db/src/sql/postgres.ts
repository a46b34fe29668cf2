import type { Migration } from '../migration';

/**
 * Every SQL text the PostgreSQL dialect runs (used by both `pg` and PGlite). Values are always
 * bound as $n parameters; no identifier is ever built from data.
 */

/** Serialises migrations across concurrent runners (any constant works; this one spells "wagw"). */
const MIGRATION_LOCK_KEY = 0x77616777;

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
];

const INBOUND_COLUMNS = `id, provider, channel_id, provider_message_id, from_id, from_name, type, body, reply_to_id,
  media_status, media_key, media_mime_type, media_size, media_sha256, media_error, payload, raw, sent_at, received_at`;

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
} as const;
