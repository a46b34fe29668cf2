/** What a received webhook turned into; the 200 answer carries these counts. */
export interface WebhookOutcome {
  /** Inbound messages queued on inbound-events. */
  messages: number;
  /** Receipts queued on status-events. */
  statuses: number;
  /** Events of channels no tenant owns, kept under parked/. */
  parked: number;
  /** Whapi from_me echoes of the business's own sends: archived only. */
  echoesSkipped: number;
  /** Meta changes of other fields, Whapi keys other than messages/statuses: acknowledged, archived only. */
  ignored: number;
}
