import { DateTime } from 'luxon';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { HttpClient, parseRetryAfter } from '../../../../src/adapters/market/live/http.js';
import { ProviderError } from '../../../../src/adapters/market/live/provider-error.js';
import { RateLimiter } from '../../../../src/adapters/market/live/rate-limit.js';
import { ManualClock } from '../../../../src/core/time/clock.js';
import { AutoClock } from '../../../support/clocks.js';
import { FakeHttpServer } from '../../../support/fake-servers.js';

const schema = z.object({ result: z.object({ index_price: z.number() }) });
const good = { result: { index_price: 92263.55 } };

let clock: AutoClock;
let server: FakeHttpServer;
let http: HttpClient | undefined;

function client(extra: Partial<ConstructorParameters<typeof HttpClient>[0]> = {}): HttpClient {
  http = new HttpClient({ clock, random: () => 0.5, timeoutMs: 150, maxAttempts: 4, ...extra });
  return http;
}

function get(path = '/x') {
  if (!http) throw new Error('call client() first');
  return http.getJson(
    { provider: 'deribit', endpoint: 'public/get_index_price', url: `${server.url}${path}` },
    schema,
  );
}

async function failure(p: Promise<unknown>): Promise<ProviderError> {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(ProviderError);
  return e as ProviderError;
}

beforeEach(async () => {
  clock = new AutoClock('2026-02-11T17:35:00Z');
  server = await FakeHttpServer.start({ now: () => clock.monotonicMs() });
});

afterEach(async () => {
  await http?.close();
  http = undefined;
  await server.close();
});

describe('HttpClient retries', () => {
  it('honours Retry-After seconds on 429, measured on the clock', async () => {
    server.route({
      path: '/x',
      respond: [{ status: 429, headers: { 'retry-after': '2' }, body: 'slow down' }, { body: good }],
    });
    client();
    await expect(get()).resolves.toEqual(good);
    expect(clock.sleeps).toEqual([2000]);
    const [a, b] = server.requests;
    expect(b!.atMs! - a!.atMs!).toBe(2000);
  });

  it('honours Retry-After as an HTTP date on 503, read against the injected clock', async () => {
    const in3s = DateTime.fromMillis(clock.nowMs() + 3000, { zone: 'utc' }).toHTTP() ?? '';
    server.route({
      path: '/x',
      respond: [{ status: 503, headers: { 'retry-after': in3s } }, { body: good }],
    });
    client();
    await expect(get()).resolves.toEqual(good);
    expect(clock.sleeps).toEqual([3000]);
  });

  it('reports a Retry-After longer than it is willing to wait instead of sleeping', async () => {
    server.route({ path: '/x', respond: { status: 429, headers: { 'retry-after': '3600' } } });
    client({ maxRetryAfterMs: 60_000 });
    const e = await failure(get());
    expect(e.kind).toBe('rate-limited');
    expect(e.message).toMatch(/^deribit public\/get_index_price: HTTP 429 asks to retry after 3600 s/);
    expect(clock.sleeps).toEqual([]);
  });

  it('retries 5xx with full-jitter exponential backoff, then succeeds', async () => {
    server.route({ path: '/x', respond: [{ status: 500 }, { status: 502 }, { body: good }] });
    client({ baseDelayMs: 100, random: () => 0.5 });
    await expect(get()).resolves.toEqual(good);
    // random 0.5 × cap, cap = 100 × 2^(attempt-1)
    expect(clock.sleeps).toEqual([50, 100]);
    expect(server.requests).toHaveLength(3);
  });

  it('gives up after maxAttempts and says how often it tried', async () => {
    server.route({ path: '/x', respond: { status: 500, body: 'boom' } });
    client({ maxAttempts: 3 });
    const e = await failure(get());
    expect(e.status).toBe(500);
    expect(e.message).toBe('deribit public/get_index_price: HTTP 500: boom (after 3 attempts)');
    expect(server.requests).toHaveLength(3);
  });

  it('does not retry other 4xx', async () => {
    server.route({
      path: '/x',
      respond: { status: 400, body: { error: { code: 10001, message: 'bad index_name' } } },
    });
    client();
    const e = await failure(get());
    expect(e.kind).toBe('http-status');
    expect(e.message).toContain('HTTP 400');
    expect(e.message).toContain('bad index_name');
    expect(server.requests).toHaveLength(1);
  });

  it('times out a server that never answers, retries, then reports the timeout', async () => {
    server.route({ path: '/x', respond: { hang: true } });
    client({ timeoutMs: 100, maxAttempts: 2 });
    const e = await failure(get());
    expect(e.kind).toBe('timeout');
    expect(e.message).toMatch(/no response within 100 ms \(after 2 attempts\)/);
    expect(server.requests).toHaveLength(2);
  });

  it('times out a body that stalls after the headers', async () => {
    server.route({ path: '/x', respond: { body: JSON.stringify(good), stallAt: 5 } });
    client({ timeoutMs: 100, maxAttempts: 1 });
    const e = await failure(get());
    expect(e.kind).toBe('timeout');
    expect(e.message).toContain('body not complete within 100 ms');
  });

  it('retries a connection cut mid-body and then succeeds', async () => {
    const body = JSON.stringify(good);
    server.route({ path: '/x', respond: [{ body, truncateAt: 10 }, { body: good }] });
    client();
    await expect(get()).resolves.toEqual(good);
    expect(server.requests).toHaveLength(2);
  });

  it('reports a body that keeps being cut as truncated', async () => {
    server.route({ path: '/x', respond: { body: JSON.stringify(good), truncateAt: 10 } });
    client({ maxAttempts: 2 });
    const e = await failure(get());
    expect(e.kind).toBe('truncated');
    expect(e.message).toContain('truncated response');
  });

  it('reports a complete but truncated JSON document without retrying', async () => {
    server.route({ path: '/x', respond: { body: '{"result":{"index_price":922' } });
    client();
    const e = await failure(get());
    expect(e.kind).toBe('bad-json');
    expect(e.message).toMatch(
      /^deribit public\/get_index_price: response is not valid JSON \(28 bytes, looks truncated\)/,
    );
    expect(server.requests).toHaveLength(1);
  });

  it('names provider, endpoint and field path when a type is wrong', async () => {
    server.route({ path: '/x', respond: { body: { result: { index_price: '92263.55' } } } });
    client();
    const e = await failure(get());
    expect(e.kind).toBe('schema');
    expect(e.fieldPath).toBe('result.index_price');
    expect(e.message).toMatch(
      /^deribit public\/get_index_price: unexpected response at result\.index_price: .*expected number/,
    );
  });

  it('reports a refused connection as a connection error', async () => {
    const url = server.url;
    await server.close();
    server = await FakeHttpServer.start();
    const e = await failure(
      client({ maxAttempts: 2 }).getJson(
        { provider: 'bybit', endpoint: 'market/tickers', url: `${url}/x` },
        schema,
      ),
    );
    expect(e.kind).toBe('connection');
    expect(e.message).toMatch(/^bybit market\/tickers: connection failed/);
  });
});

describe('parseRetryAfter', () => {
  it('reads delta-seconds and HTTP dates; ignores garbage', () => {
    const now = Date.UTC(2026, 1, 11, 17, 35, 0);
    expect(parseRetryAfter('7', now)).toBe(7000);
    expect(parseRetryAfter('Wed, 11 Feb 2026 17:35:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('Wed, 11 Feb 2026 17:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
  });
});

describe('RateLimiter', () => {
  it('spaces requests to one host by the rate, in clock time', async () => {
    const limiter = new RateLimiter(clock).limit(new URL(server.url).host, { ratePerSec: 2, burst: 1 });
    server.route({ path: '/x', respond: { body: good } });
    client({ limiter });
    for (let i = 0; i < 3; i++) await get();
    const times = server.requests.map((r) => r.atMs!);
    expect(times).toEqual([0, 500, 1000]);
    expect(clock.sleeps).toEqual([500, 500]);
  });

  it('queues concurrent callers in order without a lock', async () => {
    const manual = new ManualClock(Date.UTC(2026, 1, 11));
    const limiter = new RateLimiter(manual).limit('h', { ratePerSec: 2, burst: 1 });
    const done: number[] = [];
    const all = [0, 1, 2].map((i) => limiter.acquire('h').then(() => done.push(i)));
    await Promise.resolve();
    await Promise.resolve();
    expect(done).toEqual([0]);
    manual.advance(500);
    await new Promise((r) => setImmediate(r));
    expect(done).toEqual([0, 1]);
    manual.advance(500);
    await Promise.all(all);
    expect(done).toEqual([0, 1, 2]);
  });

  it('allows a burst, then refills from total elapsed milliseconds', async () => {
    const limiter = new RateLimiter(clock).limit('h', { ratePerSec: 1, burst: 3 });
    for (let i = 0; i < 3; i++) expect(await limiter.acquire('h')).toBe(0);
    expect(await limiter.acquire('h')).toBe(1000);
    clock.advance(2500);
    expect(await limiter.acquire('h')).toBe(0);
    expect(await limiter.acquire('h')).toBe(0);
    expect(await limiter.acquire('h')).toBe(500);
  });

  it('measures intervals longer than a minute in full (seed finding #22)', async () => {
    // One request per 90 s: a limiter reading only the seconds field would see 30 s and wait 60.
    const limiter = new RateLimiter(clock).limit('h', { ratePerSec: 1 / 90, burst: 1 });
    await limiter.acquire('h');
    clock.advance(89_000);
    expect(await limiter.acquire('h')).toBe(1000);
    clock.advance(90_000);
    expect(await limiter.acquire('h')).toBe(0);
  });

  it('leaves hosts without a limit alone and keeps the stricter of two limits', async () => {
    const limiter = new RateLimiter(clock)
      .limit('h', { ratePerSec: 10, burst: 1 })
      .limit('h', { ratePerSec: 1, burst: 1 });
    expect(await limiter.acquire('other')).toBe(0);
    await limiter.acquire('h');
    expect(await limiter.acquire('h')).toBe(1000);
  });
});
