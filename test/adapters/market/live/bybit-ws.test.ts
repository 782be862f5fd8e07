import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BybitTickerStream, type StreamEvent } from '../../../../src/adapters/market/live/bybit-ws.js';
import { ManualClock } from '../../../../src/core/time/clock.js';
import { apiFixture } from '../../../support/api-fixtures.js';
import { waitFor } from '../../../support/clocks.js';
import { FakeBybitWsServer } from '../../../support/fake-servers.js';

const SNAPSHOT = apiFixture<{ ts: number }>('bybit/ws-ticker-snapshot.recorded.json');
const DELTA = apiFixture<{ ts: number }>('bybit/ws-ticker-delta.derived.json');

let clock: ManualClock;
let server: FakeBybitWsServer;
let stream: BybitTickerStream;
let events: StreamEvent[];

const statuses = () => events.flatMap((e) => (e.type === 'status' ? [e.status] : []));
const errors = () => events.flatMap((e) => (e.type === 'error' ? [e.error.message] : []));

async function startStream(): Promise<void> {
  stream = new BybitTickerStream({ url: server.url, clock, random: () => 0.5 });
  events = [];
  stream.on((e) => events.push(e));
  stream.start();
  await waitFor(() => stream.latest() !== null, 'first snapshot');
}

beforeEach(async () => {
  clock = new ManualClock(SNAPSHOT.ts);
  server = await FakeBybitWsServer.start();
  server.onSubscribe = (topic) => (topic === 'tickers.BTCUSDT' ? [SNAPSHOT] : []);
});

afterEach(async () => {
  await stream?.close();
  await server.close();
});

describe('BybitTickerStream', () => {
  it('subscribes, then merges a snapshot with a delta that carries only changed fields', async () => {
    await startStream();
    expect(server.ops('subscribe')).toEqual([{ op: 'subscribe', args: ['tickers.BTCUSDT'] }]);
    expect(stream.latest()).toEqual({
      symbol: 'BTCUSDT',
      lastPrice: 17216,
      change24hFrac: 0.017103,
      markPrice: 17217.33,
      indexPrice: 17227.36,
      bid1Price: 17215.5,
      ask1Price: 17216,
      fundingRate8h: -0.000212,
      fundingIntervalHours: 8,
      nextFundingTimeMs: 1673280000000,
      tsMs: 1673272861686,
    });

    server.push(DELTA);
    await waitFor(() => stream.latest()?.lastPrice === 17217.5, 'delta');
    expect(stream.latest()).toEqual({
      symbol: 'BTCUSDT',
      lastPrice: 17217.5,
      // Still a fraction: 0.017132 = +1.7132 % (finding #25).
      change24hFrac: 0.017132,
      markPrice: 17217.33,
      indexPrice: 17227.36,
      bid1Price: 17217,
      ask1Price: 17217.5,
      fundingRate8h: -0.000212,
      fundingIntervalHours: 8,
      nextFundingTimeMs: 1673280000000,
      tsMs: DELTA.ts,
    });
    expect(events.filter((e) => e.type === 'ticker')).toHaveLength(2);
    expect(statuses()).toEqual(['connecting', 'open', 'subscribed']);
  });

  it('pings every 20 s of clock time and stays connected while pongs come back', async () => {
    await startStream();
    await waitFor(() => clock.pendingSleeps === 1, 'heartbeat parked');
    clock.advance(19_999);
    await new Promise((r) => setTimeout(r, 20));
    expect(server.ops('ping')).toHaveLength(0);
    clock.advance(1);
    await waitFor(() => server.ops('ping').length === 1, 'first ping');
    await waitFor(() => clock.pendingSleeps === 1, 'heartbeat parked again');
    clock.advance(20_000);
    await waitFor(() => server.ops('ping').length === 2, 'second ping');
    expect(server.ops('ping')[0]).toEqual({ op: 'ping' });
    expect(server.connections).toHaveLength(1);
    expect(errors()).toEqual([]);
  });

  it('reconnects after a drop mid-stream, with backoff on the clock, and subscribes again', async () => {
    await startStream();
    server.push(DELTA);
    await waitFor(() => stream.latest()?.lastPrice === 17217.5, 'delta');

    // The second connection gets no snapshot until the test sends one.
    server.onSubscribe = null;
    server.dropAll();
    await waitFor(() => statuses().includes('reconnecting'), 'reconnect scheduled');
    const r = events.find((e) => e.type === 'status' && e.status === 'reconnecting');
    // Full jitter: random 0.5 × base 500 ms.
    expect(r).toMatchObject({ attempt: 1, delayMs: 250 });
    await new Promise((res) => setTimeout(res, 20));
    expect(server.connections).toHaveLength(1);

    clock.advance(250);
    await waitFor(() => server.ops('subscribe').length === 2, 'resubscribed');
    expect(server.connections).toHaveLength(2);
    expect(server.connections[1]!.received).toEqual([{ op: 'subscribe', args: ['tickers.BTCUSDT'] }]);

    // A delta before this connection's snapshot is not laid over the old state.
    server.push({ ...DELTA, data: { symbol: 'BTCUSDT', lastPrice: '99999.00' }, ts: DELTA.ts + 1000 });
    await new Promise((res) => setTimeout(res, 20));
    expect(stream.latest()?.lastPrice).toBe(17217.5);

    server.push({ ...SNAPSHOT, ts: DELTA.ts + 2000 });
    await waitFor(() => stream.latest()?.tsMs === DELTA.ts + 2000, 'new snapshot');
    expect(stream.latest()?.lastPrice).toBe(17216);
  });

  it('treats a silent connection as dead and reconnects', async () => {
    server.answerPings = false;
    await startStream();
    for (let i = 1; i <= 3; i++) {
      await waitFor(() => clock.pendingSleeps === 1, `heartbeat ${i} parked`);
      clock.advance(20_000);
    }
    await waitFor(() => statuses().includes('reconnecting'), 'reconnect after silence');
    expect(errors()).toContain('bybit ws tickers: no message for 50 s; reconnecting');
    expect(server.ops('ping')).toHaveLength(2);
  });

  it('close() ends cleanly, also while waiting to reconnect', async () => {
    await startStream();
    server.dropAll();
    await waitFor(() => statuses().includes('reconnecting'), 'reconnect scheduled');
    await stream.close();
    clock.advance(60_000);
    await new Promise((r) => setTimeout(r, 20));
    expect(server.connections).toHaveLength(1);
    expect(clock.pendingSleeps).toBe(0);
  });

  it('close() on an open connection sends a close frame and stops the heartbeat', async () => {
    await startStream();
    await stream.close();
    expect(server.openConnections()).toHaveLength(0);
    expect(clock.pendingSleeps).toBe(0);
    expect(statuses().at(-1)).toBe('closed');
  });

  it('reports a malformed message without losing the merged state', async () => {
    await startStream();
    server.push({ ...DELTA, data: { symbol: 'BTCUSDT', lastPrice: '' } });
    await waitFor(() => errors().length === 1, 'error event');
    expect(errors()[0]).toMatch(/^bybit ws tickers: unexpected response at lastPrice/);
    expect(stream.latest()?.lastPrice).toBe(17216);
  });

  it('refuses an implausible price or funding rate by name, keeping the merged state', async () => {
    await startStream();
    server.push({ ...DELTA, data: { symbol: 'BTCUSDT', lastPrice: '1e308' } });
    await waitFor(() => errors().length === 1, 'error event');
    expect(errors()[0]).toBe(
      'bybit ws tickers: BTC price 1e+308 at data.lastPrice is outside the plausible 1000–10000000 USD',
    );
    server.push({ ...DELTA, data: { symbol: 'BTCUSDT', fundingRate: '5' } });
    await waitFor(() => errors().length === 2, 'second error event');
    expect(errors()[1]).toMatch(/^bybit ws tickers: funding rate 5 at data\.fundingRate is outside/);
    expect(stream.latest()?.lastPrice).toBe(17216);
  });
});
