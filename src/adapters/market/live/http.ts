import { DateTime } from 'luxon';
import type { Agent, request } from 'undici';
import type { z } from 'zod';
import type { Clock } from '../../../core/time/clock.js';
import { errorMessage, ProviderError, type ProviderErrorKind, type ProviderName } from './provider-error.js';
import type { RateLimiter } from './rate-limit.js';

export interface HttpClientOptions {
  clock: Clock;
  /** Uniform [0, 1): the jitter source, injected so tests are deterministic. */
  random: () => number;
  /** Deadline for one attempt, headers and body together. */
  timeoutMs: number;
  maxAttempts?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** A Retry-After longer than this is reported instead of slept through. */
  maxRetryAfterMs?: number;
  limiter?: RateLimiter;
  userAgent?: string;
  /**
   * Real milliseconds all requests of this client may take together, from its creation (a cron
   * step's whole market read). Attempts are cut to what is left, and no retry starts past it.
   */
  budgetMs?: number;
}

export interface HttpGet {
  provider: ProviderName;
  endpoint: string;
  url: string;
  headers?: Record<string, string>;
  /** Statuses the caller handles itself (default: 2xx only). */
  okStatus?: (status: number) => boolean;
}

export interface HttpResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

type Attempt =
  | { ok: true; res: HttpResponse }
  | { ok: false; error: ProviderError; retry: boolean; retryAfterMs?: number };

const is2xx = (s: number) => s >= 200 && s < 300;

/** undici takes ~0.2 s to load: only a command that fetches pays for it. */
let undici: Promise<typeof import('undici')> | undefined;
const loadUndici = () => {
  undici ??= import('undici');
  return undici;
};

/**
 * GET with a deadline per attempt, retries with full-jitter exponential backoff, Retry-After on
 * 429/503 and a per-host rate limit. Every failure is a ProviderError naming provider and endpoint.
 */
export class HttpClient {
  /** Made on the first request (undici loads then). */
  private agent: Agent | null = null;
  private readonly maxAttempts: number;
  private readonly baseDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly maxRetryAfterMs: number;
  /** performance.now() past which nothing more is tried; real time, like the socket deadlines. */
  private readonly budgetEnd: number;

  constructor(private readonly opts: HttpClientOptions) {
    if (!(opts.timeoutMs > 0))
      throw new Error(`HttpClient: timeoutMs must be positive, got ${opts.timeoutMs}`);
    this.maxAttempts = Math.max(1, opts.maxAttempts ?? 4);
    this.baseDelayMs = opts.baseDelayMs ?? 250;
    this.maxDelayMs = opts.maxDelayMs ?? 8_000;
    this.maxRetryAfterMs = opts.maxRetryAfterMs ?? 60_000;
    this.budgetEnd =
      opts.budgetMs === undefined ? Number.POSITIVE_INFINITY : performance.now() + opts.budgetMs;
  }

  async get(req: HttpGet): Promise<HttpResponse> {
    const host = new URL(req.url).host;
    for (let attempt = 1; ; attempt++) {
      if (this.budgetLeft() <= 0) throw this.budgetSpent(req, attempt - 1);
      await this.opts.limiter?.acquire(host);
      const out = await this.attempt(req, attempt);
      if (out.ok) return out.res;
      if (!out.retry || attempt >= this.maxAttempts) throw out.error;
      if (this.budgetLeft() <= 0) throw this.budgetSpent(req, attempt, out.error);
      let delayMs: number;
      if (out.retryAfterMs !== undefined) {
        if (out.retryAfterMs > this.maxRetryAfterMs) {
          throw new ProviderError(
            { ...info(req, 'rate-limited', attempt), status: out.error.status },
            `HTTP ${out.error.status} asks to retry after ${Math.round(out.retryAfterMs / 1000)} s, longer than the ${Math.round(this.maxRetryAfterMs / 1000)} s we wait`,
          );
        }
        delayMs = out.retryAfterMs;
      } else {
        // Full jitter: spreads retries of many clients instead of synchronising them.
        const cap = Math.min(this.maxDelayMs, this.baseDelayMs * 2 ** (attempt - 1));
        delayMs = Math.floor(this.opts.random() * cap);
      }
      if (delayMs >= this.budgetLeft()) throw this.budgetSpent(req, attempt, out.error);
      await this.opts.clock.sleep(delayMs);
    }
  }

  private budgetLeft(): number {
    return this.budgetEnd - performance.now();
  }

  private budgetSpent(req: HttpGet, attempts: number, last?: ProviderError): ProviderError {
    const budget = ((this.opts.budgetMs ?? 0) / 1000).toFixed(1);
    return new ProviderError(
      { ...info(req, 'timeout', attempts), status: last?.status, cause: last },
      `time budget of ${budget} s for this step spent${last ? `; last attempt: ${last.message}` : ''}`,
    );
  }

  /** GET, parse JSON and validate; schema errors name the field path. */
  async getJson<S extends z.ZodType>(req: HttpGet, schema: S): Promise<z.output<S>> {
    const res = await this.get(req);
    return parseWith(schema, parseJsonText(res.text, req), req);
  }

  async close(): Promise<void> {
    if (!this.agent || this.agent.closed || this.agent.destroyed) return;
    await this.agent.close();
  }

  private async attempt(req: HttpGet, attempt: number): Promise<Attempt> {
    const { Agent, request } = await loadUndici();
    // Undici's own timers back up the overall deadline below.
    this.agent ??= new Agent({
      headersTimeout: this.opts.timeoutMs,
      bodyTimeout: this.opts.timeoutMs,
      connectTimeout: this.opts.timeoutMs,
    });
    // I/O deadlines are real time on purpose: they bound a socket, not a schedule the Clock drives.
    const signal = AbortSignal.timeout(
      Math.max(1, Math.ceil(Math.min(this.opts.timeoutMs, this.budgetLeft()))),
    );
    let status: number;
    let headers: HttpResponse['headers'];
    let body: Awaited<ReturnType<typeof request>>['body'];
    try {
      const res = await request(req.url, {
        method: 'GET',
        dispatcher: this.agent,
        signal,
        headers: {
          accept: 'application/json',
          'user-agent': this.opts.userAgent ?? 'argus/0.1',
          ...req.headers,
        },
      });
      status = res.statusCode;
      headers = res.headers;
      body = res.body;
    } catch (e) {
      const timedOut = isTimeout(e, signal);
      const what = timedOut
        ? `no response within ${this.opts.timeoutMs} ms`
        : `connection failed: ${errorMessage(e)}`;
      return {
        ok: false,
        retry: true,
        error: new ProviderError(
          { ...info(req, timedOut ? 'timeout' : 'connection', attempt), cause: e },
          what,
        ),
      };
    }
    let text: string;
    try {
      text = await body.text();
    } catch (e) {
      const timedOut = isTimeout(e, signal);
      const what = timedOut
        ? `body not complete within ${this.opts.timeoutMs} ms`
        : `connection closed before the body was complete (truncated response): ${errorMessage(e)}`;
      return {
        ok: false,
        retry: true,
        error: new ProviderError(
          { ...info(req, timedOut ? 'timeout' : 'truncated', attempt), status, cause: e },
          what,
        ),
      };
    }
    const res: HttpResponse = { status, headers, text };
    if ((req.okStatus ?? is2xx)(status)) return { ok: true, res };

    const detail = `HTTP ${status}${snippet(text)}`;
    if (status === 429 || status === 503) {
      const retryAfterMs = parseRetryAfter(header(headers, 'retry-after'), this.opts.clock.nowMs());
      const kind: ProviderErrorKind = status === 429 ? 'rate-limited' : 'http-status';
      return {
        ok: false,
        retry: true,
        retryAfterMs,
        error: new ProviderError({ ...info(req, kind, attempt), status }, detail),
      };
    }
    // Other 4xx mean the request itself is wrong: repeating it cannot help.
    return {
      ok: false,
      retry: status >= 500,
      error: new ProviderError({ ...info(req, 'http-status', attempt), status }, detail),
    };
  }
}

function info(req: HttpGet, kind: ProviderErrorKind, attempts: number) {
  return { provider: req.provider, endpoint: req.endpoint, kind, attempts };
}

function isTimeout(e: unknown, signal: AbortSignal): boolean {
  if (signal.aborted) return true;
  const code = (e as { code?: unknown } | null)?.code;
  const name = (e as { name?: unknown } | null)?.name;
  return (
    name === 'TimeoutError' ||
    code === 'UND_ERR_HEADERS_TIMEOUT' ||
    code === 'UND_ERR_BODY_TIMEOUT' ||
    code === 'UND_ERR_CONNECT_TIMEOUT'
  );
}

function snippet(text: string): string {
  const t = text.replace(/\s+/g, ' ').trim();
  if (!t) return '';
  return `: ${t.length > 200 ? `${t.slice(0, 200)}…` : t}`;
}

export function header(headers: HttpResponse['headers'], name: string): string | undefined {
  const v = headers[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
}

/** Retry-After as milliseconds from now: delta-seconds or an HTTP date read against the injected clock. */
export function parseRetryAfter(value: string | undefined, nowMs: number): number | undefined {
  if (value === undefined) return undefined;
  const v = value.trim();
  if (/^\d+$/.test(v)) return Number(v) * 1000;
  const date = DateTime.fromHTTP(v, { zone: 'utc' });
  if (!date.isValid) return undefined;
  return Math.max(0, date.toMillis() - nowMs);
}

export function parseJsonText(text: string, req: Pick<HttpGet, 'provider' | 'endpoint'>): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    const tail = text.trimEnd().slice(-1);
    const hint = tail === '}' || tail === ']' ? '' : ', looks truncated';
    throw new ProviderError(
      { provider: req.provider, endpoint: req.endpoint, kind: 'bad-json', cause: e },
      `response is not valid JSON (${text.length} bytes${hint}): ${errorMessage(e)}`,
    );
  }
}

/** Validates a decoded payload; the error names the first offending field. */
export function parseWith<S extends z.ZodType>(
  schema: S,
  raw: unknown,
  req: Pick<HttpGet, 'provider' | 'endpoint'>,
): z.output<S> {
  const parsed = schema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const fieldPath = formatPath(issue?.path ?? []);
  throw new ProviderError(
    { provider: req.provider, endpoint: req.endpoint, kind: 'schema', fieldPath },
    `unexpected response at ${fieldPath || '(root)'}: ${issue?.message ?? 'invalid'}`,
  );
}

export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const p of path) {
    if (typeof p === 'number') out += `[${p}]`;
    else out += out ? `.${String(p)}` : String(p);
  }
  return out;
}
