import type { Logger } from '../../core/log.js';
import type { Clock } from '../../core/time/clock.js';
import type { MessageSender } from '../notify/telegram.js';
import type { Store } from './store.js';

export type OutboxKind = 'recommendation' | 'review' | 'promotion';
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

interface Row {
  id: number;
  channel: 'telegram';
  kind: OutboxKind;
  chat_id: string;
  text: string;
  dedup_key: string | null;
  status: OutboxStatus;
  attempts: number;
  created_ms: number;
  next_attempt_ms: number;
  sending_ms: number | null;
  sent_ms: number | null;
  message_id: number | null;
  last_error: string | null;
  resent: number;
}

const HOUR = 3_600_000;

const toMessage = (r: Row): OutboxMessage => ({
  id: r.id,
  channel: r.channel,
  kind: r.kind,
  chatId: r.chat_id,
  text: r.text,
  dedupKey: r.dedup_key,
  status: r.status,
  attempts: r.attempts,
  createdMs: r.created_ms,
  nextAttemptMs: r.next_attempt_ms,
  sendingMs: r.sending_ms,
  sentMs: r.sent_ms,
  messageId: r.message_id,
  lastError: r.last_error,
  resent: r.resent === 1,
});

/** The persisted outbox. Every state change is one conditional UPDATE, so two drains never send the same row. */
export class Outbox {
  constructor(
    readonly store: Store,
    private readonly clock: Clock,
  ) {}

  /**
   * Store a message before anything is sent. Duplicates and rate-limited messages are stored too,
   * as 'suppressed' with the reason, so nothing disappears without a trace.
   */
  enqueue(req: EnqueueRequest): EnqueueResult {
    const db = this.store.db;
    const now = this.clock.nowMs();
    return db
      .transaction((): EnqueueResult => {
        let reason: string | null = null;
        if (req.dedupKey && req.dedupWindowMs && req.dedupWindowMs > 0) {
          const dup = db
            .prepare(
              `SELECT id, created_ms FROM outbox WHERE kind = ? AND dedup_key = ? AND created_ms > ?
                 AND status IN ('pending', 'sending', 'sent') ORDER BY id DESC LIMIT 1`,
            )
            .get(req.kind, req.dedupKey, now - req.dedupWindowMs) as
            | { id: number; created_ms: number }
            | undefined;
          if (dup) {
            reason = `duplicate of message #${dup.id} from ${Math.round((now - dup.created_ms) / 60_000)} min ago`;
          }
        }
        if (!reason && req.maxPerHour !== undefined) {
          const { n } = db
            .prepare(
              `SELECT count(*) AS n FROM outbox WHERE kind = ? AND created_ms > ? AND status IN ('pending', 'sending', 'sent')`,
            )
            .get(req.kind, now - HOUR) as { n: number };
          if (n >= req.maxPerHour)
            reason = `rate limit: ${n} ${req.kind} messages in the last hour (max ${req.maxPerHour})`;
        }
        const info = db
          .prepare(
            `INSERT INTO outbox (channel, kind, chat_id, text, dedup_key, status, created_ms, next_attempt_ms, last_error)
             VALUES ('telegram', ?, ?, ?, ?, ?, ?, ?, ?)`,
          )
          .run(
            req.kind,
            req.chatId,
            req.text,
            req.dedupKey ?? null,
            reason ? 'suppressed' : 'pending',
            now,
            now,
            reason,
          );
        const id = Number(info.lastInsertRowid);
        return reason ? { status: 'suppressed', id, reason } : { status: 'queued', id };
      })
      .immediate();
  }

  get(id: number): OutboxMessage | null {
    const r = this.store.db.prepare('SELECT * FROM outbox WHERE id = ?').get(id) as Row | undefined;
    return r ? toMessage(r) : null;
  }

  counts(): Record<OutboxStatus, number> {
    const out: Record<OutboxStatus, number> = { pending: 0, sending: 0, sent: 0, failed: 0, suppressed: 0 };
    const rows = this.store.db.prepare('SELECT status, count(*) AS n FROM outbox GROUP BY status').all() as {
      status: OutboxStatus;
      n: number;
    }[];
    for (const r of rows) out[r.status] = r.n;
    return out;
  }

  /**
   * Rows left 'sending' for longer than `leaseMs`: the process that sent them stopped before it
   * could mark them. They go back to pending, flagged: the next delivery may be a duplicate.
   */
  recoverInterrupted(leaseMs: number): OutboxMessage[] {
    const db = this.store.db;
    const cutoff = this.clock.nowMs() - leaseMs;
    return db
      .transaction(() => {
        const rows = db
          .prepare("SELECT * FROM outbox WHERE status = 'sending' AND sending_ms <= ? ORDER BY id")
          .all(cutoff) as Row[];
        const upd = db.prepare(
          `UPDATE outbox SET status = 'pending', resent = 1, next_attempt_ms = ?,
             last_error = 'interrupted between sending and marking sent' WHERE id = ? AND status = 'sending'`,
        );
        for (const r of rows) upd.run(this.clock.nowMs(), r.id);
        return rows.map(toMessage);
      })
      .immediate();
  }

  nextDue(): OutboxMessage | null {
    const r = this.store.db
      .prepare(
        "SELECT * FROM outbox WHERE status = 'pending' AND next_attempt_ms <= ? ORDER BY next_attempt_ms, id LIMIT 1",
      )
      .get(this.clock.nowMs()) as Row | undefined;
    return r ? toMessage(r) : null;
  }

  /** Take a pending row for sending; false when another drain got it first. */
  claim(id: number): boolean {
    const now = this.clock.nowMs();
    return (
      this.store.db
        .prepare(
          "UPDATE outbox SET status = 'sending', sending_ms = ?, attempts = attempts + 1 WHERE id = ? AND status = 'pending'",
        )
        .run(now, id).changes === 1
    );
  }

  markSent(id: number, messageId: number | null, note: string | null = null): void {
    this.store.db
      .prepare(
        "UPDATE outbox SET status = 'sent', sent_ms = ?, message_id = ?, last_error = ? WHERE id = ? AND status = 'sending'",
      )
      .run(this.clock.nowMs(), messageId, note, id);
  }

  markFailed(id: number, reason: string): void {
    this.store.db
      .prepare("UPDATE outbox SET status = 'failed', last_error = ? WHERE id = ? AND status = 'sending'")
      .run(reason, id);
  }

  /** Back to pending for a later attempt; `refund` leaves the attempt uncounted (a rate limit is not the message's fault). */
  reschedule(id: number, reason: string, nextAttemptMs: number, refund = false): void {
    this.store.db
      .prepare(
        `UPDATE outbox SET status = 'pending', last_error = ?, next_attempt_ms = ?, attempts = attempts - ?
         WHERE id = ? AND status = 'sending'`,
      )
      .run(reason, nextAttemptMs, refund ? 1 : 0, id);
  }

  /** Rows not yet delivered or failed: pending (maybe waiting for a retry time) or being sent. */
  waiting(): number {
    const { n } = this.store.db
      .prepare("SELECT count(*) AS n FROM outbox WHERE status IN ('pending', 'sending')")
      .get() as { n: number };
    return n;
  }
}

export interface DrainOptions {
  clock: Clock;
  log: Logger;
  /** Delivery attempts (each with the HTTP client's own retries) before a transient failure becomes 'failed'. */
  maxAttempts?: number;
  /** How long a 'sending' row may stay before it counts as interrupted; longer than any one send. */
  leaseMs?: number;
  /** A 429 asking to wait at most this long is waited out now; longer waits end the drain. */
  maxInlineWaitMs?: number;
  maxMessages?: number;
  /** Backoff between drains after a transient failure: base × 2^(attempts−1), capped. */
  retryBaseMs?: number;
  retryMaxMs?: number;
}

export interface DrainReport {
  sent: number[];
  failed: { id: number; reason: string }[];
  retrying: { id: number; reason: string; nextAttemptMs: number }[];
  /** Rows sent again after an interrupted delivery (possible duplicates in the chat). */
  resent: number[];
  /** Why the drain stopped before the queue was empty, if it did. */
  stoppedBy: string | null;
  /** Rows still pending after the drain. */
  remaining: number;
}

/**
 * Send what is due, oldest first. At least once: a row is marked sent only after Telegram
 * accepted it, so the one way to send twice is a stop between those two steps, which
 * `recoverInterrupted` detects and this logs.
 */
export async function drainOutbox(
  outbox: Outbox,
  sender: MessageSender,
  o: DrainOptions,
): Promise<DrainReport> {
  const maxAttempts = o.maxAttempts ?? 8;
  const leaseMs = o.leaseMs ?? 10 * 60_000;
  const maxInlineWaitMs = o.maxInlineWaitMs ?? 30_000;
  const maxMessages = o.maxMessages ?? 50;
  const retryBaseMs = o.retryBaseMs ?? 60_000;
  const retryMaxMs = o.retryMaxMs ?? 6 * HOUR;
  const report: DrainReport = {
    sent: [],
    failed: [],
    retrying: [],
    resent: [],
    stoppedBy: null,
    remaining: 0,
  };

  for (const m of outbox.recoverInterrupted(leaseMs)) {
    const msg = `notification #${m.id} (${m.kind}) was being sent when a previous run stopped; sending it again — the chat may show it twice`;
    o.log.warn(msg);
    outbox.store.logEvent({
      level: 'warn',
      kind: 'notify.interrupted',
      message: msg,
      data: { outboxId: m.id },
    });
  }

  let handled = 0;
  while (handled < maxMessages) {
    const m = outbox.nextDue();
    if (!m) break;
    if (!outbox.claim(m.id)) continue;
    handled++;
    const r = await sender.send(m.chatId, m.text);
    const now = o.clock.nowMs();
    if (r.ok) {
      outbox.markSent(m.id, r.messageId, r.note ?? null);
      report.sent.push(m.id);
      if (m.resent) {
        report.resent.push(m.id);
        const msg = `possible duplicate: notification #${m.id} (${m.kind}) sent again after an interrupted delivery`;
        o.log.warn(msg);
        outbox.store.logEvent({
          level: 'warn',
          kind: 'notify.duplicate',
          message: msg,
          data: { outboxId: m.id },
        });
      }
      continue;
    }
    if (r.permanent) {
      outbox.markFailed(m.id, r.reason);
      report.failed.push({ id: m.id, reason: r.reason });
      o.log.error(`notification #${m.id} (${m.kind}) failed for good: ${r.reason}`);
      outbox.store.logEvent({
        level: 'error',
        kind: 'notify.failed',
        message: r.reason,
        data: { outboxId: m.id },
      });
      if (r.stopsQueue) {
        report.stoppedBy = `${r.reason} (later messages kept pending)`;
        break;
      }
      continue;
    }
    if (r.retryAfterMs !== undefined) {
      outbox.reschedule(m.id, r.reason, now + r.retryAfterMs, true);
      if (r.retryAfterMs <= maxInlineWaitMs) {
        o.log.info(`Telegram asks to wait ${Math.ceil(r.retryAfterMs / 1000)} s; waiting`);
        await o.clock.sleep(r.retryAfterMs);
        continue;
      }
      report.retrying.push({ id: m.id, reason: r.reason, nextAttemptMs: now + r.retryAfterMs });
      report.stoppedBy = `rate limited by Telegram for ${Math.ceil(r.retryAfterMs / 1000)} s`;
      break;
    }
    if (m.attempts + 1 >= maxAttempts) {
      const reason = `gave up after ${m.attempts + 1} attempts: ${r.reason}`;
      outbox.markFailed(m.id, reason);
      report.failed.push({ id: m.id, reason });
      o.log.error(`notification #${m.id} (${m.kind}) failed for good: ${reason}`);
      outbox.store.logEvent({
        level: 'error',
        kind: 'notify.failed',
        message: reason,
        data: { outboxId: m.id },
      });
      continue;
    }
    const next = now + Math.min(retryMaxMs, retryBaseMs * 2 ** m.attempts);
    outbox.reschedule(m.id, r.reason, next);
    report.retrying.push({ id: m.id, reason: r.reason, nextAttemptMs: next });
    o.log.warn(`notification #${m.id} (${m.kind}) not delivered, kept for the next run: ${r.reason}`);
    // The network or Telegram is down: the rest would fail the same way.
    report.stoppedBy = r.reason;
    break;
  }
  report.remaining = outbox.waiting();
  return report;
}
