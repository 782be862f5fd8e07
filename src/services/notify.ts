import { createHash } from 'node:crypto';
import type { SignalResult } from '../core/conditions/signal.js';
import { UsageError } from '../core/errors.js';
import type { Logger } from '../core/log.js';
import type { EnqueueResult, MessageSender, Outbox, TelegramSettings } from '../core/notify.js';
import type { Clock } from '../core/time/clock.js';
import { MS_PER_DAY, MS_PER_HOUR } from '../core/units.js';
import type { Deps } from './deps.js';
import {
  type PromotionNotice,
  promotionKey,
  promotionText,
  recommendationKey,
  recommendationText,
} from './notify-text.js';

/** What queueing needs: the settings and the outbox. */
export type EnqueueDeps = Pick<Deps, 'notifyConfig' | 'outbox'>;
/** What queueing and sending need. */
export type NotifyDeps = Pick<Deps, 'clock' | 'log' | 'notifyConfig' | 'outbox' | 'telegram'>;

/** Same promotion (run, trader) announced at most once a week. */
const PROMOTION_DEDUP_MS = 7 * MS_PER_DAY;
/** An identical daily review is not sent twice within a day; a changed one is. */
const REVIEW_DEDUP_MS = MS_PER_DAY;

const DISABLED: EnqueueResult = {
  status: 'disabled',
  reason: 'Telegram notifications are off: set ARGUS_TELEGRAM_TOKEN and ARGUS_TELEGRAM_CHAT_ID',
};

/** Notifications are on when both token and chat id are set. */
export function telegramSettings(config: Deps['notifyConfig']): TelegramSettings | null {
  const t = config.telegram;
  // A stray newline from a secrets file would otherwise end up inside the request path.
  const token = t.token?.trim();
  const chatId = t.chatId?.trim();
  if (!token || !chatId) return null;
  return { token, chatId, url: t.url };
}

/** For a `--notify` flag: asking for a notification that cannot be sent is a usage error, not a silent no-op. */
export function requireTelegram(config: Deps['notifyConfig']): TelegramSettings {
  const s = telegramSettings(config);
  if (!s) {
    throw new UsageError(
      '--notify needs Telegram settings',
      'set ARGUS_TELEGRAM_TOKEN and ARGUS_TELEGRAM_CHAT_ID (or notifications.telegram.* in the config file)',
    );
  }
  return s;
}

export interface NotifyReport {
  enqueued: EnqueueResult[];
  delivery: DrainReport | null;
}

/** Every 'trade' candidate of a signal, one message per spread, deduplicated and rate-limited. */
export function enqueueRecommendations(
  deps: EnqueueDeps,
  r: SignalResult,
  fmtTime: (ms: number) => string,
): EnqueueResult[] {
  const s = telegramSettings(deps.notifyConfig);
  const trades = r.candidates.filter((c) => c.verdict === 'trade' && c.status === 'ok');
  if (!s) return trades.length ? [DISABLED] : [];
  const lim = deps.notifyConfig.recommendations;
  return trades.map((c) =>
    deps.outbox.enqueue({
      kind: 'recommendation',
      chatId: s.chatId,
      text: recommendationText(r, c, fmtTime),
      dedupKey: recommendationKey(c),
      dedupWindowMs: lim.dedupMinutes * 60_000,
      maxPerHour: lim.maxPerHour,
    }),
  );
}

/**
 * Queue a promotion announcement (for `argus promote`). Returns 'disabled' without touching the
 * store when notifications are off; call `deliverPending` afterwards to send it.
 */
export function enqueuePromotion(deps: EnqueueDeps, notice: PromotionNotice): EnqueueResult {
  const s = telegramSettings(deps.notifyConfig);
  if (!s) return DISABLED;
  return deps.outbox.enqueue({
    kind: 'promotion',
    chatId: s.chatId,
    text: promotionText(notice),
    dedupKey: promotionKey(notice),
    dedupWindowMs: PROMOTION_DEDUP_MS,
  });
}

export function enqueueReview(deps: EnqueueDeps, date: string, text: string): EnqueueResult {
  const s = telegramSettings(deps.notifyConfig);
  if (!s) return DISABLED;
  const hash = createHash('sha256').update(text).digest('hex').slice(0, 16);
  return deps.outbox.enqueue({
    kind: 'review',
    chatId: s.chatId,
    text,
    dedupKey: `review:${date}:${hash}`,
    dedupWindowMs: REVIEW_DEDUP_MS,
  });
}

/** The monitor's start and stop notices: never deduplicated (each start and stop is news), at most 12 an hour. */
export function enqueueMonitorNotice(deps: EnqueueDeps, text: string): EnqueueResult {
  const s = telegramSettings(deps.notifyConfig);
  if (!s) return DISABLED;
  return deps.outbox.enqueue({ kind: 'monitor', chatId: s.chatId, text, maxPerHour: 12 });
}

/** Limits of one delivery run. */
export interface DrainLimits {
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

export interface DrainOptions extends DrainLimits {
  clock: Clock;
  log: Logger;
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
 * Send every due message while the store is still open (seed #14: the old shutdown sent after
 * closing the database). Messages that cannot go now stay pending for the next run.
 */
export async function deliverPending(
  deps: NotifyDeps,
  limits: DrainLimits = {},
): Promise<DrainReport | null> {
  const s = telegramSettings(deps.notifyConfig);
  if (!s) return null;
  const sender = deps.telegram(s);
  try {
    return await drainOutbox(deps.outbox, sender, { ...limits, clock: deps.clock, log: deps.log });
  } finally {
    await sender.close();
  }
}

/** `argus signal --notify`: queue the new recommendations, then send whatever is due. */
export async function notifySignal(
  deps: NotifyDeps,
  r: SignalResult,
  fmtTime: (ms: number) => string,
): Promise<NotifyReport> {
  const enqueued = enqueueRecommendations(deps, r, fmtTime);
  return { enqueued, delivery: await deliverPending(deps) };
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
  const retryMaxMs = o.retryMaxMs ?? 6 * MS_PER_HOUR;
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
    outbox.logEvent({ level: 'warn', kind: 'notify.interrupted', message: msg, outboxId: m.id });
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
        outbox.logEvent({ level: 'warn', kind: 'notify.duplicate', message: msg, outboxId: m.id });
      }
      continue;
    }
    if (r.permanent) {
      outbox.markFailed(m.id, r.reason);
      report.failed.push({ id: m.id, reason: r.reason });
      o.log.error(`notification #${m.id} (${m.kind}) failed for good: ${r.reason}`);
      outbox.logEvent({ level: 'error', kind: 'notify.failed', message: r.reason, outboxId: m.id });
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
      outbox.logEvent({ level: 'error', kind: 'notify.failed', message: reason, outboxId: m.id });
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
