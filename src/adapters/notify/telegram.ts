import type { MessageSender, SendOutcome } from '../../core/notify.js';
import type { Clock } from '../../core/time/clock.js';
import { HttpClient, header, parseRetryAfter } from '../market/live/http.js';
import { errorMessage, ProviderError, type ProviderName } from '../market/live/provider-error.js';
import { RateLimiter } from '../market/live/rate-limit.js';

export interface TelegramOptions {
  /** Bot API base, e.g. https://api.telegram.org (no trailing /bot…). */
  baseUrl: string;
  token: string;
  clock: Clock;
  /** Retry jitter, injected so tests are deterministic. */
  random: () => number;
  timeoutMs?: number;
  /** Attempts per send inside the HTTP client (5xx and network errors). */
  maxAttempts?: number;
  baseDelayMs?: number;
}

// provider-error.ts lists the market-data providers only; its messages just need a name.
const PROVIDER = 'telegram' as ProviderName;
/** Telegram asks for at most about one message a second per chat. */
const PER_SECOND = { ratePerSec: 1, burst: 3 };
/** The request goes as a GET query (the shared client has no POST); keep the URL well below proxy limits. */
const MAX_ENCODED_TEXT = 7000;

/** Replace every form of the token in a string (raw and URL-encoded). */
export function redactToken(s: string, token: string): string {
  if (!token) return s;
  let out = s;
  for (const form of new Set([token, encodeURIComponent(token)])) out = out.split(form).join('<token>');
  return out;
}

/** Text cut so that its URL-encoded form fits the request line. */
export function fitText(text: string, maxEncoded = MAX_ENCODED_TEXT): string {
  if (encodeURIComponent(text).length <= maxEncoded) return text;
  const tail = '\n… (truncated)';
  let lo = 0;
  let hi = text.length;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (encodeURIComponent(text.slice(0, mid) + tail).length <= maxEncoded) lo = mid;
    else hi = mid - 1;
  }
  return text.slice(0, lo) + tail;
}

interface BotReply {
  ok?: boolean;
  result?: { message_id?: unknown };
  error_code?: number;
  description?: string;
  parameters?: { retry_after?: unknown };
}

/**
 * sendMessage over the shared HttpClient: its retries cover network errors and 5xx; 429 is
 * answered here because Telegram puts the wait in the body (parameters.retry_after), not in a
 * Retry-After header. The token lives in the URL path only and is scrubbed from every reason.
 */
export class TelegramClient implements MessageSender {
  private readonly http: HttpClient;
  private readonly base: string;

  constructor(private readonly opts: TelegramOptions) {
    if (!opts.token) throw new Error('TelegramClient needs a token');
    this.base = opts.baseUrl.replace(/\/+$/, '');
    const host = new URL(this.base).host;
    this.http = new HttpClient({
      clock: opts.clock,
      random: opts.random,
      timeoutMs: opts.timeoutMs ?? 10_000,
      maxAttempts: opts.maxAttempts ?? 3,
      baseDelayMs: opts.baseDelayMs ?? 500,
      limiter: new RateLimiter(opts.clock).limit(host, PER_SECOND),
      userAgent: 'argus/0.1 (notifications)',
    });
  }

  async send(chatId: string, text: string): Promise<SendOutcome> {
    const q = new URLSearchParams({ chat_id: chatId, text: fitText(text) });
    const url = `${this.base}/bot${this.opts.token}/sendMessage?${q.toString()}`;
    let res: Awaited<ReturnType<HttpClient['get']>>;
    try {
      // 4xx come back to us: 429 carries its wait in the body and the others are final.
      res = await this.http.get({
        provider: PROVIDER,
        endpoint: 'sendMessage',
        url,
        okStatus: (s) => s < 500,
      });
    } catch (e) {
      const reason = this.redact(
        e instanceof ProviderError ? e.message : `telegram sendMessage: ${errorMessage(e)}`,
      );
      return { ok: false, permanent: false, reason };
    }
    let body: BotReply | null = null;
    try {
      body = JSON.parse(res.text) as BotReply;
    } catch {
      body = null;
    }
    if (res.status >= 200 && res.status < 300) {
      if (body?.ok === true) {
        const id = body.result?.message_id;
        return { ok: true, messageId: typeof id === 'number' ? id : null };
      }
      // A 2xx means Telegram took the request; sending again would only risk a duplicate.
      return { ok: true, messageId: null, note: `HTTP ${res.status} without a readable Bot API reply` };
    }
    const desc = this.redact(body?.description ?? res.text.slice(0, 200));
    const reason = `telegram sendMessage: HTTP ${res.status}${desc ? `: ${desc}` : ''}`;
    if (res.status === 429) {
      const ra = body?.parameters?.retry_after;
      const retryAfterMs =
        typeof ra === 'number' && ra >= 0
          ? ra * 1000
          : parseRetryAfter(header(res.headers, 'retry-after'), this.opts.clock.nowMs());
      return { ok: false, permanent: false, reason, retryAfterMs };
    }
    // 401/404: the token is wrong; 403: the bot may not write to this chat. Every message would fail.
    const stopsQueue = res.status === 401 || res.status === 403 || res.status === 404;
    return { ok: false, permanent: true, reason, stopsQueue };
  }

  async close(): Promise<void> {
    await this.http.close();
  }

  private redact(s: string): string {
    return redactToken(s, this.opts.token);
  }
}
