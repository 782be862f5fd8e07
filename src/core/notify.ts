/** Notifications: the persisted outbox and the channel that delivers it (Telegram). */

export type OutboxKind = 'recommendation' | 'review' | 'promotion' | 'monitor';
export type OutboxStatus = 'pending' | 'sending' | 'sent' | 'failed' | 'suppressed';

export interface OutboxMessage {
  id: number;
  channel: 'telegram';
  kind: OutboxKind;
  chatId: string;
  text: string;
  dedupKey: string | null;
  status: OutboxStatus;
  attempts: number;
  createdMs: number;
  nextAttemptMs: number;
  sendingMs: number | null;
  sentMs: number | null;
  messageId: number | null;
  lastError: string | null;
  /** Sent again after an interrupted delivery: the chat may show it twice. */
  resent: boolean;
}

export interface EnqueueRequest {
  kind: OutboxKind;
  chatId: string;
  text: string;
  /** Messages with the same kind and key within `dedupWindowMs` are suppressed. */
  dedupKey?: string;
  dedupWindowMs?: number;
  /** At most this many messages of this kind (not suppressed) in any rolling hour. */
  maxPerHour?: number;
}

export type EnqueueResult =
  | { status: 'queued'; id: number }
  | { status: 'suppressed'; id: number; reason: string }
  | { status: 'disabled'; reason: string };

/** What is waiting or has failed, for the daily review. */
export interface OutboxHealth {
  pending: number;
  failed: number;
  lastFailed: { id: number; kind: string; reason: string }[];
}

/** The persisted outbox. Every state change is conditional, so two drains never send the same row. */
export interface Outbox {
  /**
   * Store a message before anything is sent. Duplicates and rate-limited messages are stored too,
   * as 'suppressed' with the reason, so nothing disappears without a trace.
   */
  enqueue(req: EnqueueRequest): EnqueueResult;
  get(id: number): OutboxMessage | null;
  counts(): Record<OutboxStatus, number>;
  /**
   * Rows left 'sending' for longer than `leaseMs`: the process that sent them stopped before it
   * could mark them. They go back to pending, flagged: the next delivery may be a duplicate.
   */
  recoverInterrupted(leaseMs: number): OutboxMessage[];
  nextDue(): OutboxMessage | null;
  /** Take a pending row for sending; false when another drain got it first. */
  claim(id: number): boolean;
  markSent(id: number, messageId: number | null, note?: string | null): void;
  markFailed(id: number, reason: string): void;
  /** Back to pending for a later attempt; `refund` leaves the attempt uncounted. */
  reschedule(id: number, reason: string, nextAttemptMs: number, refund?: boolean): void;
  /** Rows not yet delivered or failed: pending (maybe waiting for a retry time) or being sent. */
  waiting(): number;
  /** Null when the database has no outbox. */
  health(): OutboxHealth | null;
  /** Records a delivery incident in the event log. */
  logEvent(e: { level: 'warn' | 'error'; kind: string; message: string; outboxId: number }): void;
}

/** What one delivery attempt came to. Reasons never contain the bot token. */
export type SendOutcome =
  | { ok: true; messageId: number | null; note?: string }
  | {
      ok: false;
      /** True when repeating the same request cannot succeed (Bot API 4xx other than 429). */
      permanent: boolean;
      reason: string;
      /** The server's own wait (429 retry_after, Retry-After), when it gave one. */
      retryAfterMs?: number;
      /** True when the failure concerns the bot or chat, not this message: later messages would fail too. */
      stopsQueue?: boolean;
    };

/** The outbox's view of a channel; tests substitute wrappers (e.g. a simulated crash). */
export interface MessageSender {
  send(chatId: string, text: string): Promise<SendOutcome>;
  close(): Promise<void>;
}

export interface TelegramSettings {
  token: string;
  chatId: string;
  url: string;
}
