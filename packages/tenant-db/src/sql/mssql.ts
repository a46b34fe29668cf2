import { OUTBOUND_STATUS_RANK } from '@wagw/contracts';
import { COLUMN_WIDTHS as MSSQL_WIDTHS } from '../column-widths';
import type { Migration } from '../migration';
import { LISTED_STATUS_EVENTS_LIMIT, ROW_STATUS_EVENT_STATUSES } from '../outbound-row-codec';

/**
 * Every T-SQL text the SQL Server dialect runs. Values are always bound as @named parameters whose
 * types are declared here (the adapter maps them onto `mssql` types); no identifier is ever built
 * from data. Tables live in the login's default schema, like the PostgreSQL dialect's search_path.
 *
 * Identifier columns use a binary collation: provider ids are case-sensitive, and the database's
 * default collation is usually case-insensitive (two distinct wamids must never collide).
 * Timestamps are DATETIME2(3) in UTC.
 */

export type MssqlParamType =
  | { kind: 'nvarchar'; length: number }
  | { kind: 'nvarchar-max' }
  | { kind: 'datetime2' }
  | { kind: 'bigint' }
  | { kind: 'int' };

export interface MssqlStatement<P extends string = string> {
  text: string;
  params: Readonly<Record<P, MssqlParamType>>;
}

const nvarchar = (length: number): MssqlParamType => ({ kind: 'nvarchar', length });
const nvarcharMax: MssqlParamType = { kind: 'nvarchar-max' };
const datetime2: MssqlParamType = { kind: 'datetime2' };
const bigint: MssqlParamType = { kind: 'bigint' };
const int: MssqlParamType = { kind: 'int' };

export const mssqlMigrations: readonly Migration[] = [
  {
    version: 1,
    name: 'contract tables: wa_inbound_messages, wa_outbound_messages, wa_status_events',
    statements: [
      `CREATE TABLE wa_inbound_messages (
  id                  BIGINT IDENTITY(1,1) NOT NULL CONSTRAINT wa_inbound_messages_pk PRIMARY KEY CLUSTERED, -- surrogate key, increases with insert order
  provider            NVARCHAR(16) COLLATE Latin1_General_100_BIN2 NOT NULL   -- 'meta' | 'whapi'
                      CONSTRAINT wa_inbound_messages_provider_ck CHECK (provider IN (N'meta', N'whapi')),
  channel_id          NVARCHAR(128) COLLATE Latin1_General_100_BIN2 NOT NULL, -- Meta phone_number_id or Whapi channel id that received the message
  provider_message_id NVARCHAR(256) COLLATE Latin1_General_100_BIN2 NOT NULL, -- Meta wamid / Whapi message id
  from_id             NVARCHAR(256) NOT NULL,       -- sender: wa_id, phone number or business-scoped user id
  from_name           NVARCHAR(MAX) NULL,           -- sender's profile name, when the provider sent one
  type                NVARCHAR(64) NOT NULL,        -- text, image, audio, voice, video, document, sticker, location, contacts, interactive, button, reaction, order, system, unsupported, ...
  body                NVARCHAR(MAX) NULL,           -- the human-readable part: text, caption, button/list title, reaction emoji
  reply_to_id         NVARCHAR(256) COLLATE Latin1_General_100_BIN2 NULL,     -- provider_message_id of the message this one replies to (context)
  media_status        NVARCHAR(16) NOT NULL         -- 'none' (no media) | 'pending' (being fetched) | 'stored' | 'failed'
                      CONSTRAINT wa_inbound_messages_media_status_df DEFAULT N'none'
                      CONSTRAINT wa_inbound_messages_media_status_ck CHECK (media_status IN (N'none', N'pending', N'stored', N'failed')),
  media_key           NVARCHAR(1024) NULL,          -- S3 object key of the stored media (gateway bucket)
  media_mime_type     NVARCHAR(255) NULL,           -- content type of the stored media
  media_size          BIGINT NULL,                  -- size of the stored media in bytes
  media_sha256        NVARCHAR(128) NULL,           -- SHA-256 of the stored media bytes (hex)
  media_error         NVARCHAR(MAX) NULL,           -- why media_status is 'failed' ("CODE: reason")
  payload             NVARCHAR(MAX) NOT NULL,       -- normalized JSON of the type-specific object
  raw                 NVARCHAR(MAX) NOT NULL,       -- the provider's original message item (JSON)
  sent_at             DATETIME2(3) NOT NULL,        -- provider timestamp of the message (UTC)
  received_at         DATETIME2(3) NOT NULL,        -- when the gateway received the webhook (UTC)
  CONSTRAINT wa_inbound_messages_message_uq UNIQUE (provider, channel_id, provider_message_id)
);`,
      `CREATE INDEX wa_inbound_messages_conversation_ix ON wa_inbound_messages (channel_id, from_id, sent_at);`,
      `CREATE INDEX wa_inbound_messages_received_ix ON wa_inbound_messages (received_at);`,
      `CREATE TABLE wa_outbound_messages (
  id                  BIGINT IDENTITY(1,1) NOT NULL CONSTRAINT wa_outbound_messages_pk PRIMARY KEY CLUSTERED, -- row id; part of the send deduplication id
  channel_id          NVARCHAR(128) COLLATE Latin1_General_100_BIN2 NULL,     -- tenant: sending channel; NULL = the tenant's default channel
  to_id               NVARCHAR(256) NOT NULL,       -- tenant: recipient (phone number / wa_id, or Whapi chat id)
  message             NVARCHAR(MAX) NOT NULL,       -- tenant: JSON in the Cloud API message shape without messaging_product/to
  not_before          DATETIME2(3) NULL,            -- tenant: do not send before this instant, UTC (NULL = as soon as possible)
  status              NVARCHAR(16) NOT NULL         -- gateway: pending -> queued -> sent -> delivered -> read, or failed
                      CONSTRAINT wa_outbound_messages_status_df DEFAULT N'pending'
                      CONSTRAINT wa_outbound_messages_status_ck CHECK (status IN (N'pending', N'queued', N'sent', N'delivered', N'read', N'failed')),
  attempts            INT NOT NULL                  -- gateway: how many times the row was leased for sending
                      CONSTRAINT wa_outbound_messages_attempts_df DEFAULT 0,
  reserved_until      DATETIME2(3) NULL,            -- gateway: lease expiry while a collector/sender owns the row (UTC)
  provider            NVARCHAR(16) COLLATE Latin1_General_100_BIN2 NULL,      -- gateway: provider the message was sent through ('meta' | 'whapi')
  provider_message_id NVARCHAR(256) COLLATE Latin1_General_100_BIN2 NULL,     -- gateway: provider's message id (wamid / Whapi id) once sent
  error_code          NVARCHAR(64) NULL,            -- gateway: provider or gateway error code when failed
  error_message       NVARCHAR(MAX) NULL,           -- gateway: human-readable reason when failed
  created_at          DATETIME2(3) NOT NULL         -- when the row was inserted (UTC)
                      CONSTRAINT wa_outbound_messages_created_at_df DEFAULT SYSUTCDATETIME(),
  queued_at           DATETIME2(3) NULL,            -- gateway: when the row was put on the send queue (UTC)
  sent_at             DATETIME2(3) NULL,            -- gateway: when the provider accepted the message (UTC)
  delivered_at        DATETIME2(3) NULL,            -- gateway: delivery receipt time (UTC)
  read_at             DATETIME2(3) NULL,            -- gateway: read receipt time (UTC)
  failed_at           DATETIME2(3) NULL,            -- gateway: when the row became 'failed' (UTC)
  updated_at          DATETIME2(3) NOT NULL         -- gateway: last change by the gateway (UTC)
                      CONSTRAINT wa_outbound_messages_updated_at_df DEFAULT SYSUTCDATETIME()
);`,
      `CREATE INDEX wa_outbound_messages_lease_ix ON wa_outbound_messages (status, not_before);`,
      `CREATE INDEX wa_outbound_messages_provider_message_ix ON wa_outbound_messages (provider_message_id);`,
      `CREATE TABLE wa_status_events (
  id                  BIGINT IDENTITY(1,1) NOT NULL CONSTRAINT wa_status_events_pk PRIMARY KEY CLUSTERED, -- surrogate key, increases with insert order
  provider            NVARCHAR(16) COLLATE Latin1_General_100_BIN2 NOT NULL,  -- 'meta' | 'whapi'
  channel_id          NVARCHAR(128) COLLATE Latin1_General_100_BIN2 NOT NULL, -- channel the message was sent from
  provider_message_id NVARCHAR(256) COLLATE Latin1_General_100_BIN2 NOT NULL, -- the message the status is about (wamid / Whapi id)
  status              NVARCHAR(32) COLLATE Latin1_General_100_BIN2 NOT NULL,  -- sent, delivered, read, played, failed, ... (unfamiliar values kept as sent)
  recipient_id        NVARCHAR(256) NULL,           -- recipient's wa_id / phone, when known
  occurred_at         DATETIME2(3) NOT NULL,        -- provider timestamp of the status (UTC)
  error_code          NVARCHAR(64) NULL,            -- provider error code for failed statuses
  error_message       NVARCHAR(MAX) NULL,           -- provider error title/details for failed statuses
  raw                 NVARCHAR(MAX) NULL,           -- the provider's original status item or the send result (JSON)
  received_at         DATETIME2(3) NOT NULL         -- when the gateway recorded it (UTC)
                      CONSTRAINT wa_status_events_received_at_df DEFAULT SYSUTCDATETIME(),
  CONSTRAINT wa_status_events_status_uq UNIQUE (provider, provider_message_id, status)
);`,
    ],
  },
  {
    version: 2,
    name: 'outbound path: wa_status_events.outbound_message_id, lease, conversation and reaper indexes',
    statements: [
      `ALTER TABLE wa_status_events ADD
  outbound_message_id BIGINT NULL; -- wa_outbound_messages.id of a send result's row; NULL for provider receipts`,
      `CREATE INDEX wa_status_events_outbound_message_ix ON wa_status_events (outbound_message_id);`,
      `CREATE INDEX wa_outbound_messages_reap_ix ON wa_outbound_messages (status, reserved_until);`,
      // Covers the lease's filter without a lookup per pending row. Not a filtered index (WHERE status =
      // 'pending'): those make every INSERT/UPDATE of the table fail in sessions with QUOTED_IDENTIFIER or
      // ANSI_NULLS OFF (sqlcmd's and SQL Agent's defaults), and tenants insert into this table.
      `CREATE INDEX wa_outbound_messages_due_ix ON wa_outbound_messages (status, id)
  INCLUDE (not_before, reserved_until, to_id, channel_id);`,
      // The lease's per-conversation check: older rows of the same recipient that are still in flight.
      `CREATE INDEX wa_outbound_messages_conversation_ix ON wa_outbound_messages (to_id, status, id)
  INCLUDE (channel_id, reserved_until);`,
    ],
  },
];

const KEY_PARAMS = {
  provider: nvarchar(MSSQL_WIDTHS.provider),
  channel_id: nvarchar(MSSQL_WIDTHS.channelId),
  provider_message_id: nvarchar(MSSQL_WIDTHS.providerMessageId),
} as const;

const KEY_MATCH = `provider = @provider AND channel_id = @channel_id AND provider_message_id = @provider_message_id`;

const INBOUND_COLUMNS = `id, provider, channel_id, provider_message_id, from_id, from_name, type, body, reply_to_id,
  media_status, media_key, media_mime_type, media_size, media_sha256, media_error, payload, raw, sent_at, received_at`;

const OUTBOUND_COLUMNS = `id, channel_id, to_id, message, not_before, status, attempts, reserved_until, provider,
  provider_message_id, error_code, error_message, created_at, queued_at, sent_at, delivered_at, read_at, failed_at, updated_at`;

const LEASED_COLUMNS = `id, channel_id, to_id, message, attempts, reserved_until, created_at`;

const CANDIDATE_COLUMNS = `m.id, m.channel_id, m.to_id, m.message, m.attempts, m.reserved_until, m.created_at, m.updated_at`;

const STATUS_EVENT_COLUMNS = `id, provider, channel_id, provider_message_id, status, recipient_id, occurred_at, error_code,
  error_message, raw, outbound_message_id, received_at`;

/** A row's status as its OUTBOUND_STATUS_RANK (built from the constant, never from data). */
const STATUS_RANK = `CASE status ${Object.entries(OUTBOUND_STATUS_RANK)
  .map(([status, rank]) => `WHEN N'${status}' THEN ${rank}`)
  .join(' ')} END`;

/** The event statuses listStatusEvents reads back (built from the constant, never from data). */
const ROW_STATUS_EVENTS = ROW_STATUS_EVENT_STATUSES.map((status) => `N'${status}'`).join(', ');

/** OPENJSON(@refs): a JSON array of {"id": "<bigint>", "attempt": <int>} (SQL Server 2016+, compatibility level 130). */
const HELD_REFS = `OPENJSON(@refs) WITH (id BIGINT '$.id', attempt INT '$.attempt') AS held`;

const RECEIPT_MATCH = `provider = @provider AND provider_message_id = @provider_message_id`;

const statement = <P extends string>(text: string, params: Record<P, MssqlParamType>): MssqlStatement<P> => ({ text, params });

export const mssqlStatements = {
  /** Runs inside the migration's transaction; waits up to 10 s (below the request timeout) for a concurrent migrator. */
  lockMigrations: statement(
    `DECLARE @lock_result INT;
EXEC @lock_result = sp_getapplock @Resource = N'wagw_schema_migrations', @LockMode = N'Exclusive',
  @LockOwner = N'Transaction', @LockTimeout = 10000;
IF @lock_result < 0 THROW 50001, N'could not take the wagw_schema_migrations lock', 1;`,
    {},
  ),
  createMigrationsTable: statement(
    `IF OBJECT_ID(N'wa_schema_migrations', N'U') IS NULL
CREATE TABLE wa_schema_migrations (
  version    INT NOT NULL CONSTRAINT wa_schema_migrations_pk PRIMARY KEY, -- migration number
  name       NVARCHAR(200) NOT NULL,                                     -- what it changed
  applied_at DATETIME2(3) NOT NULL                                       -- when it was applied (UTC)
             CONSTRAINT wa_schema_migrations_applied_at_df DEFAULT SYSUTCDATETIME()
);`,
    {},
  ),
  selectMigration: statement(`SELECT version FROM wa_schema_migrations WHERE version = @version;`, { version: int }),
  recordMigration: statement(`INSERT INTO wa_schema_migrations (version, name) VALUES (@version, @name);`, {
    version: int,
    name: nvarchar(200),
  }),

  /**
   * Race-safe exactly-once insert: the range lock (UPDLOCK, HOLDLOCK) makes a concurrent insert of the
   * same key wait and then see the row; a unique violation (2601/2627) is still treated as "already
   * there". OUTPUT goes INTO a table variable because a plain OUTPUT fails on tables with triggers.
   * Returns one row: inserted (1 when this call inserted it) and the row's media_status.
   */
  insertInboundMessage: statement(
    `SET NOCOUNT ON;
DECLARE @new_ids TABLE (id BIGINT NOT NULL);
BEGIN TRY
  INSERT INTO wa_inbound_messages (
    provider, channel_id, provider_message_id, from_id, from_name, type, body, reply_to_id,
    media_status, media_key, media_mime_type, media_size, media_sha256, media_error, payload, raw, sent_at, received_at)
  OUTPUT inserted.id INTO @new_ids (id)
  SELECT @provider, @channel_id, @provider_message_id, @from_id, @from_name, @type, @body, @reply_to_id,
    @media_status, @media_key, @media_mime_type, @media_size, @media_sha256, @media_error, @payload, @raw, @sent_at, @received_at
  WHERE NOT EXISTS (
    SELECT 1 FROM wa_inbound_messages WITH (UPDLOCK, HOLDLOCK) WHERE ${KEY_MATCH}
  );
END TRY
BEGIN CATCH
  IF ERROR_NUMBER() NOT IN (2601, 2627) THROW;
END CATCH;
SELECT CAST(CASE WHEN EXISTS (SELECT 1 FROM @new_ids) THEN 1 ELSE 0 END AS INT) AS inserted, media_status
FROM wa_inbound_messages WHERE ${KEY_MATCH};`,
    {
      ...KEY_PARAMS,
      from_id: nvarchar(MSSQL_WIDTHS.fromId),
      from_name: nvarcharMax,
      type: nvarchar(MSSQL_WIDTHS.type),
      body: nvarcharMax,
      reply_to_id: nvarchar(MSSQL_WIDTHS.replyToId),
      media_status: nvarchar(MSSQL_WIDTHS.mediaStatus),
      media_key: nvarchar(MSSQL_WIDTHS.mediaKey),
      media_mime_type: nvarchar(MSSQL_WIDTHS.mediaMimeType),
      media_size: bigint,
      media_sha256: nvarchar(MSSQL_WIDTHS.mediaSha256),
      media_error: nvarcharMax,
      payload: nvarcharMax,
      raw: nvarcharMax,
      sent_at: datetime2,
      received_at: datetime2,
    },
  ),

  /** Returns one row: applied (rows moved out of 'pending') and found (the row exists). */
  applyMediaStored: statement(
    `SET NOCOUNT ON;
DECLARE @changed TABLE (id BIGINT NOT NULL);
UPDATE wa_inbound_messages
SET media_status = N'stored', media_key = @media_key, media_mime_type = @media_mime_type, media_size = @media_size,
    media_sha256 = @media_sha256, media_error = NULL
OUTPUT inserted.id INTO @changed (id)
WHERE ${KEY_MATCH} AND media_status = N'pending';
SELECT (SELECT COUNT(*) FROM @changed) AS applied,
  CAST(CASE WHEN EXISTS (SELECT 1 FROM wa_inbound_messages WHERE ${KEY_MATCH}) THEN 1 ELSE 0 END AS INT) AS found;`,
    {
      ...KEY_PARAMS,
      media_key: nvarchar(MSSQL_WIDTHS.mediaKey),
      media_mime_type: nvarchar(MSSQL_WIDTHS.mediaMimeType),
      media_size: bigint,
      media_sha256: nvarchar(MSSQL_WIDTHS.mediaSha256),
    },
  ),
  applyMediaFailed: statement(
    `SET NOCOUNT ON;
DECLARE @changed TABLE (id BIGINT NOT NULL);
UPDATE wa_inbound_messages
SET media_status = N'failed', media_error = @media_error
OUTPUT inserted.id INTO @changed (id)
WHERE ${KEY_MATCH} AND media_status = N'pending';
SELECT (SELECT COUNT(*) FROM @changed) AS applied,
  CAST(CASE WHEN EXISTS (SELECT 1 FROM wa_inbound_messages WHERE ${KEY_MATCH}) THEN 1 ELSE 0 END AS INT) AS found;`,
    { ...KEY_PARAMS, media_error: nvarcharMax },
  ),

  listInboundMessages: statement(`SELECT TOP (@limit) ${INBOUND_COLUMNS} FROM wa_inbound_messages ORDER BY id;`, {
    limit: int,
  }),
  findInboundMessage: statement(`SELECT ${INBOUND_COLUMNS} FROM wa_inbound_messages WHERE ${KEY_MATCH};`, KEY_PARAMS),

  /** OPENJSON, which the outbound statements use, needs compatibility level 130; migrate checks it first. */
  selectCompatibilityLevel: statement(
    `SELECT compatibility_level, DB_NAME() AS database_name FROM sys.databases WHERE database_id = DB_ID();`,
    {},
  ),

  /**
   * UPDATE TOP has no ORDER BY, so the oldest due rows are picked by TOP … ORDER BY in a CTE and
   * updated through it. UPDLOCK holds them to the end of the statement, READPAST skips rows another
   * collector holds, ROWLOCK keeps the locks to those rows. Rows come back through a table variable
   * (a plain OUTPUT fails on tables with triggers), oldest first.
   *
   * A row is due only while no older row of its conversation (same to_id, same channel_id with NULL as
   * the default channel) is in flight — 'queued', or 'pending' under a live lease — so a conversation's
   * messages go out one lease at a time, in id order (the older rows this lease takes were not in
   * flight when it started). The applock makes concurrent leases of the database run one after another,
   * so that check never reads a state from before another lease committed (READ_COMMITTED_SNAPSHOT would
   * let it). XACT_ABORT rolls the transaction back on any error, a client timeout included, instead of
   * leaving it open on a pooled connection; it stays on for the session, where every other gateway batch
   * runs in autocommit.
   */
  leaseDueMessages: statement(
    `SET NOCOUNT ON;
SET XACT_ABORT ON;
DECLARE @leased TABLE (
  id BIGINT NOT NULL, channel_id NVARCHAR(128) NULL, to_id NVARCHAR(256) NOT NULL, message NVARCHAR(MAX) NOT NULL,
  attempts INT NOT NULL, reserved_until DATETIME2(3) NULL, created_at DATETIME2(3) NOT NULL);
DECLARE @lock_result INT;
BEGIN TRANSACTION;
EXEC @lock_result = sp_getapplock @Resource = N'wagw_outbound_lease', @LockMode = N'Exclusive',
  @LockOwner = N'Transaction', @LockTimeout = 5000;
IF @lock_result < 0 THROW 50002, N'could not take the wagw_outbound_lease lock', 1;
WITH due AS (
  SELECT TOP (@limit) ${CANDIDATE_COLUMNS}
  FROM wa_outbound_messages AS m WITH (UPDLOCK, READPAST, ROWLOCK)
  WHERE m.status = N'pending'
    AND (m.not_before IS NULL OR m.not_before <= @now)
    AND (m.reserved_until IS NULL OR m.reserved_until < @now)
    AND NOT EXISTS (
      SELECT 1 FROM wa_outbound_messages AS older
      WHERE older.to_id = m.to_id
        AND COALESCE(older.channel_id, N'') = COALESCE(m.channel_id, N'')
        AND older.id < m.id
        AND (older.status = N'queued' OR (older.status = N'pending' AND older.reserved_until >= @now))
    )
  ORDER BY m.id
)
UPDATE due
SET reserved_until = @reserved_until, attempts = attempts + 1, updated_at = @now
OUTPUT inserted.id, inserted.channel_id, inserted.to_id, inserted.message, inserted.attempts, inserted.reserved_until,
  inserted.created_at
INTO @leased (${LEASED_COLUMNS});
COMMIT TRANSACTION;
SELECT ${LEASED_COLUMNS} FROM @leased ORDER BY id;`,
    { now: datetime2, reserved_until: datetime2, limit: int },
  ),
  /** Only rows still 'pending' under the attempt the caller holds. */
  markQueued: statement(
    `SET NOCOUNT ON;
UPDATE m
SET status = N'queued', queued_at = @now, updated_at = @now
FROM wa_outbound_messages AS m
INNER JOIN ${HELD_REFS} ON m.id = held.id AND m.attempts = held.attempt
WHERE m.status = N'pending';`,
    { refs: nvarcharMax, now: datetime2 },
  ),
  /** Gives the attempt back, so the next lease reuses its deduplication id. */
  releaseLeases: statement(
    `SET NOCOUNT ON;
UPDATE m
SET reserved_until = NULL, attempts = m.attempts - 1, updated_at = @now
FROM wa_outbound_messages AS m
INNER JOIN ${HELD_REFS} ON m.id = held.id AND m.attempts = held.attempt
WHERE m.status = N'pending';`,
    { refs: nvarcharMax, now: datetime2 },
  ),
  failOutboundMessage: statement(
    `SET NOCOUNT ON;
UPDATE wa_outbound_messages
SET status = N'failed', error_code = @error_code, error_message = @error_message, failed_at = @now,
    reserved_until = NULL, updated_at = @now
WHERE id = @id AND attempts = @attempt AND status = N'pending';`,
    { id: bigint, attempt: int, error_code: nvarchar(MSSQL_WIDTHS.errorCode), error_message: nvarcharMax, now: datetime2 },
  ),
  /** Only leases that ended before @expired_before (the caller's grace before now). Returns one row: requeued, failed. */
  reapExpiredLeases: statement(
    `SET NOCOUNT ON;
DECLARE @reaped TABLE (status NVARCHAR(16) NOT NULL);
UPDATE wa_outbound_messages
SET status = CASE WHEN attempts >= @max_attempts THEN N'failed' ELSE N'pending' END,
    reserved_until = NULL,
    error_code = CASE WHEN attempts >= @max_attempts THEN @error_code ELSE error_code END,
    error_message = CASE WHEN attempts >= @max_attempts THEN @error_message ELSE error_message END,
    failed_at = CASE WHEN attempts >= @max_attempts THEN @now ELSE failed_at END,
    updated_at = @now
OUTPUT inserted.status INTO @reaped (status)
WHERE status = N'queued' AND reserved_until < @expired_before;
SELECT COUNT(CASE WHEN status = N'pending' THEN 1 END) AS requeued,
  COUNT(CASE WHEN status = N'failed' THEN 1 END) AS failed
FROM @reaped;`,
    {
      now: datetime2,
      expired_before: datetime2,
      max_attempts: int,
      error_code: nvarchar(MSSQL_WIDTHS.errorCode),
      error_message: nvarcharMax,
    },
  ),

  /**
   * An acceptance is proof whatever attempt it came from: it applies to a row without a provider message
   * id that still waits ('pending'/'queued') or that the gateway failed only for lack of an answer
   * (attempts exhausted, outcome unknown). Returns one row: applied (1 when the row took it).
   */
  applySendResultSent: statement(
    `SET NOCOUNT ON;
DECLARE @changed TABLE (id BIGINT NOT NULL);
UPDATE wa_outbound_messages
SET status = N'sent', provider = @provider, channel_id = COALESCE(channel_id, @channel_id),
    provider_message_id = @provider_message_id, sent_at = @sent_at, queued_at = COALESCE(queued_at, @sent_at),
    reserved_until = NULL, error_code = NULL, error_message = NULL, failed_at = NULL, updated_at = @now
OUTPUT inserted.id INTO @changed (id)
WHERE id = @id AND provider_message_id IS NULL
  AND (status IN (N'pending', N'queued') OR (status = N'failed' AND error_code IN (@exhausted_code, @unknown_code)));
SELECT COUNT(*) AS applied FROM @changed;`,
    {
      id: bigint,
      provider: nvarchar(MSSQL_WIDTHS.provider),
      channel_id: nvarchar(MSSQL_WIDTHS.channelId),
      provider_message_id: nvarchar(MSSQL_WIDTHS.providerMessageId),
      sent_at: datetime2,
      now: datetime2,
      exhausted_code: nvarchar(MSSQL_WIDTHS.errorCode),
      unknown_code: nvarchar(MSSQL_WIDTHS.errorCode),
    },
  ),
  /** Only the attempt that holds the row, while it waits. Returns one row: applied. */
  applySendResultFailed: statement(
    `SET NOCOUNT ON;
DECLARE @changed TABLE (id BIGINT NOT NULL);
UPDATE wa_outbound_messages
SET status = N'failed', provider = @provider, channel_id = COALESCE(channel_id, @channel_id),
    error_code = @error_code, error_message = @error_message, failed_at = @failed_at, reserved_until = NULL,
    updated_at = @now
OUTPUT inserted.id INTO @changed (id)
WHERE id = @id AND attempts = @attempt AND status IN (N'pending', N'queued');
SELECT COUNT(*) AS applied FROM @changed;`,
    {
      id: bigint,
      attempt: int,
      provider: nvarchar(MSSQL_WIDTHS.provider),
      channel_id: nvarchar(MSSQL_WIDTHS.channelId),
      error_code: nvarchar(MSSQL_WIDTHS.errorCode),
      error_message: nvarcharMax,
      failed_at: datetime2,
      now: datetime2,
    },
  ),
  /**
   * A receipt naming this row (Meta's callback data) puts its wamid on the row: only a row without one,
   * on this provider and channel (or none yet), still waiting for its send result or failed only for
   * lack of an answer. Any attempt: the receipt proves that one was accepted. Returns one row: claimed
   * (1 when the row took the wamid).
   */
  claimSentMessage: statement(
    `SET NOCOUNT ON;
DECLARE @changed TABLE (id BIGINT NOT NULL);
UPDATE wa_outbound_messages
SET status = N'sent', provider = @provider, channel_id = COALESCE(channel_id, @channel_id),
    provider_message_id = @provider_message_id, sent_at = COALESCE(sent_at, @occurred_at), reserved_until = NULL,
    error_code = NULL, error_message = NULL, failed_at = NULL, updated_at = @now
OUTPUT inserted.id INTO @changed (id)
WHERE id = @id AND provider_message_id IS NULL
  AND (provider IS NULL OR provider = @provider)
  AND (channel_id IS NULL OR channel_id = @channel_id)
  AND (status IN (N'pending', N'queued') OR (status = N'failed' AND error_code IN (@exhausted_code, @unknown_code)));
SELECT COUNT(*) AS claimed FROM @changed;`,
    {
      id: bigint,
      provider: nvarchar(MSSQL_WIDTHS.provider),
      channel_id: nvarchar(MSSQL_WIDTHS.channelId),
      provider_message_id: nvarchar(MSSQL_WIDTHS.providerMessageId),
      occurred_at: datetime2,
      now: datetime2,
      exhausted_code: nvarchar(MSSQL_WIDTHS.errorCode),
      unknown_code: nvarchar(MSSQL_WIDTHS.errorCode),
    },
  ),
  /**
   * Moves the row only to a higher rank (see SCHEMA.md for the rule). Returns one row: applied and
   * found (a row carries this provider message id).
   */
  applyReceipt: statement(
    `SET NOCOUNT ON;
DECLARE @changed TABLE (id BIGINT NOT NULL);
UPDATE wa_outbound_messages
SET status = @status,
    sent_at = CASE WHEN @status IN (N'sent', N'delivered', N'read') THEN COALESCE(sent_at, @occurred_at) ELSE sent_at END,
    delivered_at = CASE WHEN @status IN (N'delivered', N'read') THEN COALESCE(delivered_at, @occurred_at) ELSE delivered_at END,
    read_at = CASE WHEN @status IN (N'read') THEN COALESCE(read_at, @occurred_at) ELSE read_at END,
    failed_at = CASE WHEN @status IN (N'failed') THEN @occurred_at WHEN @status IN (N'delivered', N'read') THEN NULL ELSE failed_at END,
    error_code = CASE WHEN @status IN (N'failed') THEN @error_code WHEN @status IN (N'delivered', N'read') THEN NULL ELSE error_code END,
    error_message = CASE WHEN @status IN (N'failed') THEN @error_message WHEN @status IN (N'delivered', N'read') THEN NULL ELSE error_message END,
    updated_at = @now
OUTPUT inserted.id INTO @changed (id)
WHERE ${RECEIPT_MATCH} AND ${STATUS_RANK} < @rank;
SELECT (SELECT COUNT(*) FROM @changed) AS applied,
  CAST(CASE WHEN EXISTS (SELECT 1 FROM wa_outbound_messages WHERE ${RECEIPT_MATCH}) THEN 1 ELSE 0 END AS INT) AS found;`,
    {
      provider: nvarchar(MSSQL_WIDTHS.provider),
      provider_message_id: nvarchar(MSSQL_WIDTHS.providerMessageId),
      status: nvarchar(16),
      rank: int,
      occurred_at: datetime2,
      error_code: nvarchar(MSSQL_WIDTHS.errorCode),
      error_message: nvarcharMax,
      now: datetime2,
    },
  ),

  /**
   * Race-safe insert-once, like insertInboundMessage. A repeat changes nothing, except that it names the
   * outbound row on a recorded event that did not (a receipt recorded before its send result). Returns
   * one row: inserted (1 when this call inserted it).
   */
  recordStatusEvent: statement(
    `SET NOCOUNT ON;
DECLARE @new_ids TABLE (id BIGINT NOT NULL);
BEGIN TRY
  INSERT INTO wa_status_events (
    provider, channel_id, provider_message_id, status, recipient_id, occurred_at, error_code, error_message, raw,
    outbound_message_id, received_at)
  OUTPUT inserted.id INTO @new_ids (id)
  SELECT @provider, @channel_id, @provider_message_id, @status, @recipient_id, @occurred_at, @error_code, @error_message, @raw,
    @outbound_message_id, @received_at
  WHERE NOT EXISTS (
    SELECT 1 FROM wa_status_events WITH (UPDLOCK, HOLDLOCK)
    WHERE provider = @provider AND provider_message_id = @provider_message_id AND status = @status
  );
END TRY
BEGIN CATCH
  IF ERROR_NUMBER() NOT IN (2601, 2627) THROW;
END CATCH;
IF @outbound_message_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM @new_ids)
  UPDATE wa_status_events SET outbound_message_id = @outbound_message_id
  WHERE provider = @provider AND provider_message_id = @provider_message_id AND status = @status
    AND outbound_message_id IS NULL;
SELECT CAST(CASE WHEN EXISTS (SELECT 1 FROM @new_ids) THEN 1 ELSE 0 END AS INT) AS inserted;`,
    {
      provider: nvarchar(MSSQL_WIDTHS.provider),
      channel_id: nvarchar(MSSQL_WIDTHS.channelId),
      provider_message_id: nvarchar(MSSQL_WIDTHS.providerMessageId),
      status: nvarchar(MSSQL_WIDTHS.eventStatus),
      recipient_id: nvarchar(MSSQL_WIDTHS.recipientId),
      occurred_at: datetime2,
      error_code: nvarchar(MSSQL_WIDTHS.errorCode),
      error_message: nvarcharMax,
      raw: nvarcharMax,
      outbound_message_id: bigint,
      received_at: datetime2,
    },
  ),
  /** Only statuses that move a row, and a bounded number of them. */
  listStatusEvents: statement(
    `SELECT TOP (${LISTED_STATUS_EVENTS_LIMIT}) ${STATUS_EVENT_COLUMNS} FROM wa_status_events
WHERE provider = @provider AND provider_message_id = @provider_message_id AND status IN (${ROW_STATUS_EVENTS})
ORDER BY occurred_at, id;`,
    { provider: nvarchar(MSSQL_WIDTHS.provider), provider_message_id: nvarchar(MSSQL_WIDTHS.providerMessageId) },
  ),

  /** Tests and ops: the columns a tenant writes. Returns one row: id. */
  insertOutboundMessage: statement(
    `SET NOCOUNT ON;
DECLARE @new_ids TABLE (id BIGINT NOT NULL);
INSERT INTO wa_outbound_messages (channel_id, to_id, message, not_before)
OUTPUT inserted.id INTO @new_ids (id)
VALUES (@channel_id, @to_id, @message, @not_before);
SELECT id FROM @new_ids;`,
    { channel_id: nvarchar(MSSQL_WIDTHS.channelId), to_id: nvarchar(MSSQL_WIDTHS.toId), message: nvarcharMax, not_before: datetime2 },
  ),
  listOutboundMessages: statement(
    `SELECT TOP (@limit) ${OUTBOUND_COLUMNS} FROM wa_outbound_messages WHERE id > @after_id ORDER BY id;`,
    { after_id: bigint, limit: int },
  ),
  findOutboundMessage: statement(`SELECT ${OUTBOUND_COLUMNS} FROM wa_outbound_messages WHERE id = @id;`, { id: bigint }),
  listStatusEventRecords: statement(`SELECT TOP (@limit) ${STATUS_EVENT_COLUMNS} FROM wa_status_events ORDER BY id;`, {
    limit: int,
  }),
} as const;
