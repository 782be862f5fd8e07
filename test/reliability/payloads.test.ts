import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BybitClient } from '../../src/adapters/market/live/bybit.js';
import { CboeClient } from '../../src/adapters/market/live/cboe.js';
import { DeribitClient } from '../../src/adapters/market/live/deribit.js';
import { HttpClient } from '../../src/adapters/market/live/http.js';
import { PLAUSIBLE } from '../../src/adapters/market/live/plausible.js';
import { ProviderError } from '../../src/adapters/market/live/provider-error.js';
import { YahooClient } from '../../src/adapters/market/live/yahoo.js';
import type { OptionQuote } from '../../src/core/market/port.js';
import { apiFixture } from '../support/api-fixtures.js';
import { AutoClock } from '../support/clocks.js';
import { FakeHttpServer, type FakeResponse } from '../support/fake-servers.js';
import { FULL, report, sample, seeded } from '../support/reliability.js';

/**
 * Mutations of the recorded real payloads, run in-process against each adapter: every answer is
 * either a ProviderError naming provider and endpoint (and the field, for a field's mutation) or a
 * value that passes the plausibility invariants below. A crash or a bad value let through fails.
 */

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type Path = (string | number)[];

interface Target {
  provider: string;
  endpoint: string;
  path: string;
  fixture: string;
  call: (c: Clients) => Promise<unknown>;
  /** Problems with an accepted answer (empty when it is plausible). */
  check: (v: never) => string[];
}

interface Clients {
  deribit: DeribitClient;
  bybit: BybitClient;
  yahoo: YahooClient;
  cboe: CboeClient;
}

const NOW = Date.UTC(2026, 1, 11, 17, 35);
const finite = (v: unknown) => typeof v === 'number' && Number.isFinite(v);
const within = (v: unknown, b: { min: number; max: number }) =>
  finite(v) && (v as number) >= b.min && (v as number) <= b.max;
const bad = (cond: boolean, what: string) => (cond ? [] : [what]);

function quoteProblems(q: OptionQuote, underlying: number): string[] {
  const cap = (q.right === 'put' ? q.strike : underlying) + 0.01;
  const price = (v: number | null) => v === null || (finite(v) && v >= 0 && v <= cap);
  const count = (v: number | null) => v === null || (finite(v) && v >= 0);
  return [
    ...bad(within(q.strike, PLAUSIBLE.strikeUsd), `strike ${q.strike}`),
    ...bad(price(q.bid) && price(q.ask) && price(q.last), `prices ${q.bid}/${q.ask}/${q.last}`),
    ...bad(q.iv === null || (finite(q.iv) && q.iv > 0 && q.iv < 50), `iv ${q.iv}`),
    ...bad(count(q.volume) && count(q.openInterest), `volume/oi ${q.volume}/${q.openInterest}`),
    ...bad(/^\d{4}-\d{2}-\d{2}$/.test(q.expiry), `expiry ${q.expiry}`),
    ...bad(finite(q.quoteTimeMs), `time ${q.quoteTimeMs}`),
  ];
}

const TARGETS: Target[] = [
  {
    provider: 'deribit',
    endpoint: 'public/get_index_price',
    path: '/api/v2/public/get_index_price',
    fixture: 'deribit/get_index_price.derived.json',
    call: (c) => c.deribit.indexPriceUsd(),
    check: (v: { priceUsd: number; asOfMs: number }) => [
      ...bad(within(v.priceUsd, PLAUSIBLE.btcUsd), `price ${v.priceUsd}`),
      ...bad(finite(v.asOfMs), `time ${v.asOfMs}`),
    ],
  },
  {
    provider: 'deribit',
    endpoint: 'public/get_volatility_index_data',
    path: '/api/v2/public/get_volatility_index_data',
    fixture: 'deribit/get_volatility_index_data-60.derived.json',
    call: (c) => c.deribit.dvolNow(1619777970000),
    check: (v: { vol: number; asOfMs: number }) => [
      ...bad(finite(v.vol) && v.vol >= 0.05 && v.vol <= 5, `vol ${v.vol}`),
      ...bad(finite(v.asOfMs), `time ${v.asOfMs}`),
    ],
  },
  {
    provider: 'bybit',
    endpoint: 'market/tickers',
    path: '/v5/market/tickers',
    fixture: 'bybit/tickers-linear-BTCUSDT.derived.json',
    call: async (c) => ({
      ticker: await c.bybit.ticker(),
      funding: await c.bybit.funding8h().catch(() => null),
    }),
    check: (v: {
      ticker: {
        lastPrice: number | null;
        change24hFrac: number | null;
        fundingRate: number | null;
        asOfMs: number;
      };
      funding: { rate8h: number; intervalHours: number } | null;
    }) => [
      ...bad(
        v.ticker.lastPrice === null || within(v.ticker.lastPrice, PLAUSIBLE.btcUsd),
        `last ${v.ticker.lastPrice}`,
      ),
      ...bad(
        v.ticker.change24hFrac === null || within(v.ticker.change24hFrac, PLAUSIBLE.change24hFrac),
        `change ${v.ticker.change24hFrac}`,
      ),
      ...bad(
        v.ticker.fundingRate === null || within(v.ticker.fundingRate, PLAUSIBLE.fundingRate),
        `funding ${v.ticker.fundingRate}`,
      ),
      ...bad(finite(v.ticker.asOfMs), `time ${v.ticker.asOfMs}`),
      ...bad(
        v.funding === null || (finite(v.funding.rate8h) && Math.abs(v.funding.rate8h) <= 0.8),
        `funding 8 h ${v.funding?.rate8h}`,
      ),
    ],
  },
  {
    provider: 'bybit',
    endpoint: 'market/kline',
    path: '/v5/market/kline',
    fixture: 'bybit/kline-BTCUSDT-60.recorded.json',
    call: (c) => c.bybit.hourlyBars(5, Date.UTC(2025, 11, 1)),
    check: (
      v: { startMs: number; open: number; high: number; low: number; close: number; volume: number }[],
    ) =>
      v.flatMap((b) => [
        ...bad(
          [b.open, b.high, b.low, b.close].every((x) => within(x, PLAUSIBLE.btcUsd)),
          `ohlc ${b.open}/${b.high}/${b.low}/${b.close}`,
        ),
        ...bad(finite(b.volume) && b.volume >= 0, `volume ${b.volume}`),
        ...bad(finite(b.startMs), `start ${b.startMs}`),
      ]),
  },
  {
    provider: 'bybit',
    endpoint: 'market/funding/history',
    path: '/v5/market/funding/history',
    fixture: 'bybit/funding-history-BTCUSDT.recorded.json',
    call: (c) => c.bybit.fundingHistory(),
    check: (v: { timeMs: number; rate: number }[]) =>
      v.flatMap((s) => [
        ...bad(within(s.rate, PLAUSIBLE.fundingRate), `rate ${s.rate}`),
        ...bad(finite(s.timeMs), `time ${s.timeMs}`),
      ]),
  },
  {
    provider: 'yahoo',
    endpoint: 'v8/finance/chart/IBIT',
    path: '/v8/finance/chart/IBIT',
    fixture: 'yahoo/chart-IBIT.derived.json',
    call: (c) => c.yahoo.chart('IBIT'),
    check: (v: { price: number; previousClose: number | null; timeMs: number }) => [
      ...bad(within(v.price, PLAUSIBLE.etfUsd), `price ${v.price}`),
      ...bad(
        v.previousClose === null || within(v.previousClose, PLAUSIBLE.etfUsd),
        `prev ${v.previousClose}`,
      ),
      ...bad(finite(v.timeMs), `time ${v.timeMs}`),
    ],
  },
  {
    provider: 'yahoo',
    endpoint: 'v7/finance/options/IBIT',
    path: '/v7/finance/options/IBIT',
    fixture: 'yahoo/options-IBIT.derived.json',
    call: (c) => c.yahoo.optionChain('IBIT', ['2026-02-11']),
    check: (v: { underlyingPrice: number; quoteTimeMs: number; quotes: OptionQuote[] }) => [
      ...bad(within(v.underlyingPrice, PLAUSIBLE.etfUsd), `underlying ${v.underlyingPrice}`),
      ...bad(finite(v.quoteTimeMs), `time ${v.quoteTimeMs}`),
      ...v.quotes.flatMap((q) => quoteProblems(q, v.underlyingPrice)),
    ],
  },
  {
    provider: 'cboe',
    endpoint: 'delayed_quotes/options/IBIT',
    path: '/api/global/delayed_quotes/options/IBIT.json',
    fixture: 'cboe/IBIT.derived.json',
    call: (c) => c.cboe.chain('IBIT'),
    check: (v: { underlyingPrice: number; previousClose: number | null; quotes: OptionQuote[] }) => [
      ...bad(within(v.underlyingPrice, PLAUSIBLE.etfUsd), `underlying ${v.underlyingPrice}`),
      ...bad(
        v.previousClose === null || within(v.previousClose, PLAUSIBLE.etfUsd),
        `prev ${v.previousClose}`,
      ),
      ...v.quotes.flatMap((q) => quoteProblems(q, v.underlyingPrice)),
    ],
  },
];

const FIELD_KINDS = ['drop', 'type', 'nan', 'infinity', 'negative', 'huge', 'zero', 'x1e6', 'null'] as const;
const BODY_KINDS = ['truncated', 'html', 'content-type', 'empty', '429', '5xx', 'slow-body', 'hang'] as const;
type Kind = (typeof FIELD_KINDS)[number] | (typeof BODY_KINDS)[number];
const INF = '__ARGUS_INFINITY__';

function leaves(v: Json, path: Path = []): Path[] {
  if (Array.isArray(v)) return v.flatMap((x, i) => leaves(x, [...path, i]));
  if (v !== null && typeof v === 'object')
    return Object.entries(v).flatMap(([k, x]) => leaves(x, [...path, k]));
  return path.length ? [path] : [];
}

function mutate(root: Json, path: Path, kind: (typeof FIELD_KINDS)[number]): Json | undefined {
  const copy = structuredClone(root) as Json;
  let parent = copy as Record<string | number, Json>;
  for (const k of path.slice(0, -1)) parent = parent[k] as Record<string | number, Json>;
  const key = path.at(-1)!;
  const v = parent[key]!;
  const num =
    typeof v === 'number'
      ? v
      : typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))
        ? Number(v)
        : null;
  const asSent = (n: number | string) => (typeof v === 'string' ? String(n) : n);
  switch (kind) {
    case 'drop':
      if (Array.isArray(parent)) parent.splice(key as number, 1);
      else delete parent[key];
      return copy;
    case 'type':
      parent[key] = typeof v === 'string' ? 12345 : typeof v === 'number' ? 'abc' : 'abc';
      return copy;
    case 'nan':
      parent[key] = 'NaN';
      return copy;
    case 'infinity':
      parent[key] = typeof v === 'string' ? 'Infinity' : INF;
      return copy;
    case 'null':
      parent[key] = null;
      return copy;
    default:
      if (num === null) return undefined;
      parent[key] = asSent(
        kind === 'negative' ? -Math.abs(num || 1) : kind === 'huge' ? 1e308 : kind === 'zero' ? 0 : num * 1e6,
      );
      return copy;
  }
}

function bodyResponse(body: Json, kind: (typeof BODY_KINDS)[number], n: number): FakeResponse {
  const text = JSON.stringify(body);
  switch (kind) {
    case 'truncated':
      return { body: text.slice(0, Math.floor(text.length / 2)) };
    case 'html':
      return {
        headers: { 'content-type': 'text/html' },
        body: '<html><body>Service Unavailable</body></html>',
      };
    case 'content-type':
      return { headers: { 'content-type': 'text/html' }, body: text };
    case 'empty':
      return { body: '' };
    case '429':
      return n === 1 ? { status: 429, headers: { 'retry-after': '1' }, body: 'slow down' } : { body: text };
    case '5xx':
      return { status: 502, body: '<html>bad gateway</html>' };
    case 'slow-body':
      return { headers: { 'content-length': String(text.length) }, body: text, stallAt: 10 };
    case 'hang':
      return { hang: true };
  }
}

let server: FakeHttpServer;
let current: (n: number) => FakeResponse = () => ({ status: 500 });
let calls = 0;
let http: HttpClient;
let clients: Clients;

beforeAll(async () => {
  server = await FakeHttpServer.start({
    routes: [
      { path: '/', respond: { status: 404, headers: { 'set-cookie': 'A3=d=x; Path=/' }, body: 'x' } },
      { path: '/v1/test/getcrumb', respond: { body: 'crumb' } },
    ],
  });
  for (const t of TARGETS) server.route({ path: t.path, respond: () => current(++calls) });
  const clock = new AutoClock(NOW);
  http = new HttpClient({ clock, random: () => 0, timeoutMs: 150, maxAttempts: 2, maxRetryAfterMs: 5_000 });
  clients = {
    deribit: new DeribitClient(http, clock, `${server.url}/api/v2`),
    bybit: new BybitClient(http, server.url),
    yahoo: new YahooClient(http, server.url),
    cboe: new CboeClient(http, clock, server.url),
  };
});
afterAll(async () => {
  await http.close();
  await server.close();
});

/** A field path with array indices folded: `result.list[].lastPrice`. */
const fieldName = (p: Path) =>
  p
    .map((k) => (typeof k === 'number' ? '[]' : `.${k}`))
    .join('')
    .replace(/^\./, '');

describe('bad input: mutated provider payloads against the adapters', () => {
  it(`${FULL ? '≥ 10,000' : 'a few hundred'} mutations: 0 crashes, 0 bad values through, every rejection named`, async () => {
    const random = seeded(20261205);
    type Case = { t: Target; kind: Kind; path?: Path };
    const all: Case[] = [];
    for (const t of TARGETS) {
      const body = apiFixture<Json>(t.fixture);
      for (const path of leaves(body)) for (const kind of FIELD_KINDS) all.push({ t, kind, path });
      for (const kind of BODY_KINDS) all.push({ t, kind });
    }
    const cases = FULL ? all : sample(all, 400, random);
    const counts = new Map<string, { mutations: number; rejected: number; accepted: number }>();
    const crashes: string[] = [];
    const through: string[] = [];
    const unnamed: string[] = [];
    let ran = 0;
    for (const c of cases) {
      const body = apiFixture<Json>(c.t.fixture);
      let response: (n: number) => FakeResponse;
      if (c.path) {
        const m = mutate(body, c.path, c.kind as (typeof FIELD_KINDS)[number]);
        if (m === undefined) continue;
        const text = JSON.stringify(m).replace(`"${INF}"`, '1e999');
        response = () => ({ headers: { 'content-type': 'application/json' }, body: text });
      } else {
        response = (n) => bodyResponse(body, c.kind as (typeof BODY_KINDS)[number], n);
      }
      calls = 0;
      current = response;
      ran++;
      const field = c.path ? fieldName(c.path) : '(body)';
      const key = `${c.t.provider}\t${c.t.endpoint}\t${field}\t${c.kind}`;
      const row = counts.get(key) ?? { mutations: 0, rejected: 0, accepted: 0 };
      row.mutations++;
      counts.set(key, row);
      try {
        const v = await c.t.call(clients);
        const problems = c.t.check(v as never);
        if (problems.length) through.push(`${key}: ${problems.slice(0, 3).join(', ')}`);
        row.accepted++;
      } catch (err) {
        if (!(err instanceof ProviderError)) {
          crashes.push(`${key}: ${(err as Error)?.stack ?? String(err)}`);
          continue;
        }
        row.rejected++;
        const named = err.provider === c.t.provider && err.endpoint === c.t.endpoint;
        // A field's mutation rejected by schema or band must name a field.
        const fieldNamed = !c.path || !['schema', 'implausible'].includes(err.kind) || !!err.fieldPath;
        if (!named || !fieldNamed) unnamed.push(`${key}: ${err.message}`);
      }
    }
    const rejected = [...counts.values()].reduce((s, r) => s + r.rejected, 0);
    report({
      proof: 'payloads',
      what: 'mutated payloads run',
      value: ran,
      target: FULL ? '≥ 10000' : undefined,
      held: !FULL || ran >= 10_000,
    });
    report({ proof: 'payloads', what: 'provider × endpoint × field × kind cells', value: counts.size });
    report({ proof: 'payloads', what: 'rejected (ProviderError)', value: rejected });
    report({
      proof: 'payloads',
      what: 'crashes',
      value: crashes.length,
      target: '0',
      held: crashes.length === 0,
      detail: crashes.slice(0, 5),
    });
    report({
      proof: 'payloads',
      what: 'implausible values let through',
      value: through.length,
      target: '0',
      held: through.length === 0,
      detail: through,
    });
    report({
      proof: 'payloads',
      what: 'rejections not naming provider, endpoint and field',
      value: unnamed.length,
      target: '0',
      held: unnamed.length === 0,
      detail: unnamed.slice(0, 5),
    });
    report({
      proof: 'payloads',
      what: 'table',
      value: counts.size,
      detail: [...counts].map(([k, r]) => [...k.split('\t'), r.mutations, r.rejected, r.accepted]),
    });
    expect(crashes).toEqual([]);
    expect(through).toEqual([]);
    expect(unnamed).toEqual([]);
    if (FULL) expect(ran).toBeGreaterThanOrEqual(10_000);
  }, 1_800_000);
});
