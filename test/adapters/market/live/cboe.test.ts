import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CboeClient, parseOccSymbol } from '../../../../src/adapters/market/live/cboe.js';
import { HttpClient } from '../../../../src/adapters/market/live/http.js';
import { ProviderError } from '../../../../src/adapters/market/live/provider-error.js';
import { apiFixture, apiFixtureCopy } from '../../../support/api-fixtures.js';
import { AutoClock } from '../../../support/clocks.js';
import { FakeHttpServer } from '../../../support/fake-servers.js';

const PATH = '/api/global/delayed_quotes/options/IBIT.json';
const FIXTURE = 'cboe/IBIT.derived.json';
type Cboe = { timestamp: string; data: { options: Record<string, unknown>[] } };

let clock: AutoClock;
let server: FakeHttpServer;
let http: HttpClient;
let cboe: CboeClient;

beforeEach(async () => {
  clock = new AutoClock('2026-02-11T17:35:00Z');
  server = await FakeHttpServer.start();
  http = new HttpClient({ clock, random: () => 0.5, timeoutMs: 500, maxAttempts: 2 });
  cboe = new CboeClient(http, clock, server.url);
});

afterEach(async () => {
  await http.close();
  await server.close();
});

describe('parseOccSymbol', () => {
  it('reads root, expiry, right and strike', () => {
    expect(parseOccSymbol('IBIT260220P00035000', 'IBIT')).toEqual({
      expiry: '2026-02-20',
      right: 'put',
      strike: 35,
    });
    expect(parseOccSymbol('IBIT260220C00037500', 'IBIT')).toEqual({
      expiry: '2026-02-20',
      right: 'call',
      strike: 37.5,
    });
    expect(parseOccSymbol('BITO260116P00012500', 'BITO')).toEqual({
      expiry: '2026-01-16',
      right: 'put',
      strike: 12.5,
    });
  });

  it('rejects other roots, adjusted roots and impossible dates', () => {
    expect(parseOccSymbol('BITO260220P00035000', 'IBIT')).toBeNull();
    expect(parseOccSymbol('IBIT1260220P00035000', 'IBIT')).toBeNull();
    expect(parseOccSymbol('IBIT260231P00035000', 'IBIT')).toBeNull();
    expect(parseOccSymbol('IBIT260220X00035000', 'IBIT')).toBeNull();
  });
});

describe('CboeClient', () => {
  it('normalises the delayed chain (fixture derived from the documented format)', async () => {
    server.route({ path: PATH, respond: { body: apiFixture(FIXTURE) } });
    const chain = await cboe.chain('IBIT');
    expect(chain.underlyingPrice).toBe(37.735);
    expect(chain.previousClose).toBe(38.970001220703125);
    // "2026-02-11 12:30:00" New York time.
    expect(chain.quoteTimeMs).toBe(Date.UTC(2026, 1, 11, 17, 30));
    expect(chain.expiries).toEqual(['2026-02-11', '2026-02-20', '2026-02-27']);
    expect(
      chain.quotes.find((q) => q.expiry === '2026-02-20' && q.right === 'put' && q.strike === 35),
    ).toEqual({
      symbol: 'IBIT',
      expiry: '2026-02-20',
      strike: 35,
      right: 'put',
      bid: 0.52,
      ask: 0.54,
      last: 0.55,
      iv: 0.6348,
      volume: 5047,
      openInterest: 15111,
      quoteTimeMs: Date.UTC(2026, 1, 11, 17, 30),
    });
  });

  it('keeps a bid of 0, maps an absent ask and a 0 last/iv to null', async () => {
    const body = apiFixtureCopy<Cboe>(FIXTURE);
    const o = body.data.options[0]!;
    o.bid = 0;
    delete o.ask;
    o.last_trade_price = 0;
    o.iv = 0;
    server.route({ path: PATH, respond: { body } });
    const q = (await cboe.chain('IBIT')).quotes[0]!;
    expect(q).toMatchObject({ bid: 0, ask: null, last: null, iv: null });
  });

  it('refuses a snapshot stamped in the future (wrong time-zone assumption)', async () => {
    const body = apiFixtureCopy<Cboe>(FIXTURE);
    body.timestamp = '2026-02-11 17:35:00';
    server.route({ path: PATH, respond: { body } });
    const e = (await cboe.chain('IBIT').catch((err: unknown) => err)) as ProviderError;
    expect(e).toBeInstanceOf(ProviderError);
    expect(e.kind).toBe('implausible');
    expect(e.message).toMatch(
      /^cboe delayed_quotes\/options\/IBIT: timestamp "2026-02-11 17:35:00" read as New York time lies in the future/,
    );
  });

  it('names the field of a wrong type', async () => {
    const body = apiFixtureCopy<Cboe>(FIXTURE);
    body.data.options[3]!.bid = '0.52';
    server.route({ path: PATH, respond: { body } });
    await expect(cboe.chain('IBIT')).rejects.toThrow(/unexpected response at data\.options\[3\]\.bid/);
  });
});
