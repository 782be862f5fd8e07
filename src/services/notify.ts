import { createHash } from 'node:crypto';
import { type MessageSender, TelegramClient } from '../adapters/notify/telegram.js';
import {
  type DrainOptions,
  type DrainReport,
  drainOutbox,
  type EnqueueResult,
  Outbox,
} from '../adapters/store/outbox.js';
import type { Store } from '../adapters/store/store.js';
import type { SignalResult } from '../core/conditions/signal.js';
import type { ArgusConfig } from '../core/config/schema.js';
import { UsageError } from '../core/errors.js';
import type { Logger } from '../core/log.js';
import type { Clock } from '../core/time/clock.js';
import {
  type PromotionNotice,
  promotionKey,
  promotionText,
  recommendationKey,
  recommendationText,
} from './notify-text.js';

export type { PromotionNotice } from './notify-text.js';

export interface TelegramSettings {
  token: string;
  chatId: string;
  url: string;
}

/** Same promotion (run, trader) announced at most once a week. */
const PROMOTION_DEDUP_MS = 7 * 86_400_000;
/** An identical daily review is not sent twice within a day; a changed one is. */
const REVIEW_DEDUP_MS = 86_400_000;

const DISABLED: EnqueueResult = {
  status: 'disabled',
  reason: 'Telegram notifications are off: set ARGUS_TELEGRAM_TOKEN and ARGUS_TELEGRAM_CHAT_ID',
};

/** Notifications are on when both token and chat id are set. */
export function telegramSettings(config: ArgusConfig): TelegramSettings | null {
  const t = config.notifications.telegram;
  // A stray newline from a secrets file would otherwise end up inside the request path.
  const token = t.token?.trim();
  const chatId = t.chatId?.trim();
  if (!token || !chatId) return null;
  return { token, chatId, url: t.url };
}

/** For a `--notify` flag: asking for a notification that cannot be sent is a usage error, not a silent no-op. */
export function requireTelegram(config: ArgusConfig): TelegramSettings {
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
  store: Store,
  r: SignalResult,
  o: { clock: Clock; config: ArgusConfig; fmtTime: (ms: number) => string },
): EnqueueResult[] {
  const s = telegramSettings(o.config);
  const trades = r.candidates.filter((c) => c.verdict === 'trade' && c.status === 'ok');
  if (!s) return trades.length ? [DISABLED] : [];
  const lim = o.config.notifications.recommendations;
  const outbox = new Outbox(store, o.clock);
  return trades.map((c) =>
    outbox.enqueue({
      kind: 'recommendation',
      chatId: s.chatId,
      text: recommendationText(r, c, o.fmtTime),
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
export function enqueuePromotion(
  store: Store,
  notice: PromotionNotice,
  o: { clock: Clock; config: ArgusConfig },
): EnqueueResult {
  const s = telegramSettings(o.config);
  if (!s) return DISABLED;
  return new Outbox(store, o.clock).enqueue({
    kind: 'promotion',
    chatId: s.chatId,
    text: promotionText(notice),
    dedupKey: promotionKey(notice),
    dedupWindowMs: PROMOTION_DEDUP_MS,
  });
}

export function enqueueReview(
  store: Store,
  date: string,
  text: string,
  o: { clock: Clock; config: ArgusConfig },
): EnqueueResult {
  const s = telegramSettings(o.config);
  if (!s) return DISABLED;
  const hash = createHash('sha256').update(text).digest('hex').slice(0, 16);
  return new Outbox(store, o.clock).enqueue({
    kind: 'review',
    chatId: s.chatId,
    text,
    dedupKey: `review:${date}:${hash}`,
    dedupWindowMs: REVIEW_DEDUP_MS,
  });
}

export interface DeliverOptions extends Partial<Omit<DrainOptions, 'clock' | 'log'>> {
  clock: Clock;
  config: ArgusConfig;
  log: Logger;
  /** Injected in tests; defaults to the Telegram Bot API client. */
  sender?: MessageSender;
  random?: () => number;
}

/**
 * Send every due message while the store is still open (seed #14: the old shutdown sent after
 * closing the database). Messages that cannot go now stay pending for the next run.
 */
export async function deliverPending(store: Store, o: DeliverOptions): Promise<DrainReport | null> {
  const s = telegramSettings(o.config);
  if (!s && !o.sender) return null;
  const sender =
    o.sender ??
    new TelegramClient({
      baseUrl: s!.url,
      token: s!.token,
      clock: o.clock,
      // Jitter for retries only; no result depends on it.
      random: o.random ?? Math.random,
    });
  try {
    return await drainOutbox(new Outbox(store, o.clock), sender, { ...o, clock: o.clock, log: o.log });
  } finally {
    await sender.close();
  }
}

/** `argus signal --notify`: queue the new recommendations, then send whatever is due. */
export async function notifySignal(
  store: Store,
  r: SignalResult,
  o: { clock: Clock; config: ArgusConfig; log: Logger; fmtTime: (ms: number) => string },
): Promise<NotifyReport> {
  const enqueued = enqueueRecommendations(store, r, o);
  return { enqueued, delivery: await deliverPending(store, o) };
}

/** One line for the CLI: what was queued and what was delivered. */
export function describeNotify(r: NotifyReport): string {
  const parts: string[] = [];
  if (r.enqueued.length === 0) parts.push('nothing to notify');
  for (const e of r.enqueued) {
    if (e.status === 'queued') parts.push(`queued #${e.id}`);
    else if (e.status === 'suppressed') parts.push(`#${e.id} suppressed (${e.reason})`);
    else parts.push(e.reason);
  }
  const d = r.delivery;
  if (d) {
    parts.push(`${d.sent.length} sent`);
    if (d.failed.length)
      parts.push(`${d.failed.length} failed (${d.failed.map((f) => `#${f.id}: ${f.reason}`).join('; ')})`);
    if (d.resent.length) parts.push(`possible duplicates: ${d.resent.map((id) => `#${id}`).join(', ')}`);
    if (d.remaining) parts.push(`${d.remaining} waiting${d.stoppedBy ? ` (${d.stoppedBy})` : ''}`);
  }
  return `Notifications: ${parts.join('; ')}`;
}
