import type {
  EnqueueRequest,
  EnqueueResult,
  Outbox,
  OutboxHealth,
  OutboxKind,
  OutboxMessage,
  OutboxStatus,
} from '../../core/notify.js';
import type { Clock } from '../../core/time/clock.js';
import { MS_PER_HOUR } from '../../core/units.js';
import type { Store } from './store.js';

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

/** The outbox table. Every state change is one conditional UPDATE, so two drains never send the same row. */
export class SqliteOutbox implements Outbox {
  constructor(
    readonly store: Store,
    private readonly clock: Clock,
  ) {}

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
            .get(req.kind, now - MS_PER_HOUR) as { n: number };
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

  // A rate limit is not the message's fault: `refund` leaves that attempt uncounted.
  reschedule(id: number, reason: string, nextAttemptMs: number, refund = false): void {
    this.store.db
      .prepare(
        `UPDATE outbox SET status = 'pending', last_error = ?, next_attempt_ms = ?, attempts = attempts - ?
         WHERE id = ? AND status = 'sending'`,
      )
      .run(reason, nextAttemptMs, refund ? 1 : 0, id);
  }

  waiting(): number {
    const { n } = this.store.db
      .prepare("SELECT count(*) AS n FROM outbox WHERE status IN ('pending', 'sending')")
      .get() as { n: number };
    return n;
  }

  health(): OutboxHealth | null {
    const db = this.store.db;
    const has = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'outbox'").get();
    if (!has) return null;
    const r = db
      .prepare(
        "SELECT coalesce(sum(status IN ('pending', 'sending')), 0) AS pending, coalesce(sum(status = 'failed'), 0) AS failed FROM outbox",
      )
      .get() as { pending: number; failed: number };
    const lastFailed = db
      .prepare(
        "SELECT id, kind, coalesce(last_error, '') AS reason FROM outbox WHERE status = 'failed' ORDER BY id DESC LIMIT 3",
      )
      .all() as { id: number; kind: string; reason: string }[];
    return { pending: r.pending, failed: r.failed, lastFailed };
  }

  logEvent(e: { level: 'warn' | 'error'; kind: string; message: string; outboxId: number }): void {
    this.store.logEvent({ level: e.level, kind: e.kind, message: e.message, data: { outboxId: e.outboxId } });
  }
}
