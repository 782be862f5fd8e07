import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { AppContext } from '../../src/cli/context.js';
import type { MonitorState } from '../../src/core/monitor/state.js';
import { type Clock, ManualClock } from '../../src/core/time/clock.js';
import { farmLiveStep } from '../../src/services/farm-live.js';
import { type MonitorListener, type MonitorOptions, openMonitor } from '../../src/services/monitor.js';
import { AutoClock, waitFor } from '../support/clocks.js';
import { RECORDED_AT, startFakeProviders } from '../support/fake-providers.js';
import { FakeHttpServer } from '../support/fake-servers.js';
import { sendMessageOk } from '../support/notify.js';

const dir = mkdtempSync(join(tmpdir(), 'argus-monitor-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const grid = new URL('../fixtures/grids/small.json', import.meta.url).pathname;

function ctx(db: string, clock: Clock, env: Record<string, string> = {}): AppContext {
  return new AppContext({
    dataDir: dir,
    configDir: dir,
    env: { ARGUS_CONFIG: join(dir, 'none.json'), ...env },
    flags: { db },
    appVersion: 'test',
    clock,
  });
}

const opts = (o: Partial<MonitorOptions>): MonitorOptions => ({
  source: 'replay',
  speed: 1,
  intervalMs: 5_000,
  farm: false,
  paths: 2_000,
  seed: 1,
  engine: 'js',
  ...o,
});

function collect() {
  const streams: string[] = [];
  const states: MonitorState[] = [];
  const ticks: { priceUsd: number; atMs: number }[] = [];
  const problems: string[] = [];
  const listener: MonitorListener = {
    state: (s) => states.push(s),
    tick: (t) => ticks.push(t),
    stream: (h) => streams.push(h.status),
  };
  return { states, ticks, streams, problems, listener, onProblem: (p: string) => problems.push(p) };
}

describe('monitor session on a replayed market', () => {
  it('one refresh: the market of 2025-03-10 15:00 ET from the bundled history, stored once as a snapshot', async () => {
    const c = ctx(join(dir, 'a.db'), ManualClock.at('2026-12-05T12:00:00Z'));
    const m = openMonitor(c, opts({ atMs: Date.UTC(2025, 2, 10, 19, 0) }));
    const s = await m.refresh();
    expect(s.atMs).toBe(Date.UTC(2025, 2, 10, 19, 0));
    // The 18:00Z hourly bar's close (BTC/USD, CryptoCompare) and DVOL's 03-09 close.
    expect(s.market.btc).toMatchObject({ status: 'ok', value: { priceUsd: 77_615.78 } });
    expect(s.volatility.dvol.status === 'ok' && s.volatility.dvol.value).toBeCloseTo(0.591, 12);
    expect(s.market.phase).toBe('open');
    expect(s.market.next).toEqual({ kind: 'close', atMs: Date.UTC(2025, 2, 10, 20, 0) });
    expect(s.volatility.recent).toHaveLength(30);
    expect(s.gap).toMatchObject({ status: 'ok', sessionDate: '2025-03-07', btcAtClose: 86_975.18 });
    expect(s.farm.liveRunId).toBeNull();
    const again = await m.refresh();
    expect(again.refresh).toBe(2);
    const rows = c.marketSnapshots.recent('replay', 10);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ atMs: s.atMs, btcUsd: 77_615.78, ibitUsd: expect.any(Number) });
    expect(rows[0].dvol).toBeCloseTo(0.591, 12);
    expect(rows[0].warmth).toBeCloseTo(s.warmth.status === 'ok' ? s.warmth.score : Number.NaN, 12);
    await m.close();
    c.close();
  });

  it('runs on the interval at its speed, polls BTC between refreshes, and stops on the signal with the source closed', async () => {
    const wall = ManualClock.at('2026-12-05T12:00:00Z');
    const c = ctx(join(dir, 'b.db'), wall);
    const start = Date.UTC(2025, 2, 10, 14, 0);
    const m = openMonitor(c, opts({ atMs: start, speed: 600 }));
    const got = collect();
    const stop = new AbortController();
    const running = m.run(stop.signal, got.listener, got.onProblem);
    await waitFor(() => got.states.length === 1, 'first refresh', 20_000);
    expect(got.states[0].atMs).toBe(start);
    expect(got.ticks[0].priceUsd).toBe(
      got.states[0].market.btc.status === 'ok' ? got.states[0].market.btc.value.priceUsd : 0,
    );
    // 5 wall seconds at 600× later: the second refresh sees the market 50 minutes on
    await waitFor(() => wall.pendingSleeps >= 2, 'loops parked', 20_000);
    wall.advance(5_000);
    await waitFor(() => got.states.length === 2, 'second refresh', 20_000);
    expect(got.states[1].atMs).toBe(start + 50 * 60_000);
    expect(got.states[1].refresh).toBe(2);
    // paused: the interval passes without a refresh; r refreshes anyway
    m.setPaused(true);
    await waitFor(() => wall.pendingSleeps >= 2, 'loops parked', 20_000);
    wall.advance(5_000);
    await new Promise((r) => setTimeout(r, 50));
    expect(got.states).toHaveLength(2);
    m.requestRefresh();
    await waitFor(() => got.states.length === 3, 'refresh on request', 20_000);
    stop.abort();
    await running;
    expect(got.problems).toEqual([]);
    expect(c.marketSnapshots.recent('replay', 10).map((r) => r.atMs)).toEqual([
      start + 100 * 60_000,
      start + 50 * 60_000,
      start,
    ]);
    c.close();
  }, 60_000);

  it('--farm drives the live farm on a database of its own: a full step, then exits after 15 market minutes', async () => {
    const wall = ManualClock.at('2026-12-05T12:00:00Z');
    const c = ctx(join(dir, 'farm.db'), wall);
    const m = openMonitor(
      c,
      opts({ atMs: Date.UTC(2025, 2, 10, 15, 0), speed: 60, farm: true, gridFile: grid }),
    );
    const first = await m.refresh();
    expect(first.farm.driver.last).toMatchObject({ mode: 'full', status: 'done' });
    expect(first.farm.openPositions).toBeGreaterThan(10);
    const n = c.store().db.prepare("SELECT count(*) AS n FROM positions WHERE status = 'open'").get() as {
      n: number;
    };
    expect(first.farm.openPositions).toBe(n.n);
    wall.advance(10_000); // 10 market minutes: nothing due
    const quiet = await m.refresh();
    expect(quiet.farm.driver.last?.atMs).toBe(first.atMs);
    wall.advance(5_000); // 15 market minutes after the full step
    const exits = await m.refresh();
    expect(exits.farm.driver.last).toMatchObject({
      mode: 'exits',
      status: 'done',
      atMs: first.atMs + 15 * 60_000,
    });
    expect(exits.farm.lastStep?.atMs).toBeGreaterThanOrEqual(first.atMs + 15 * 60_000);
    wall.advance(6 * 60_000); // 17:15 ET: after the close, the session's expiries are settled once
    const after = await m.refresh();
    expect(after.market.phase).toBe('post');
    expect(after.farm.driver.last).toMatchObject({
      mode: 'expire',
      status: 'done',
      atMs: first.atMs + 375 * 60_000,
    });
    wall.advance(60_000);
    expect((await m.refresh()).farm.driver.last?.atMs).toBe(first.atMs + 375 * 60_000);
    await m.close();
    c.close();
  }, 60_000);

  it('refuses options that cannot mean anything, naming the flag', () => {
    const c = ctx(join(dir, 'c.db'), ManualClock.at('2026-12-05T12:00:00Z'));
    expect(() => openMonitor(c, opts({ atMs: undefined }))).toThrow('--source replay needs --at');
    expect(() => openMonitor(c, opts({ source: 'live', speed: 10 }))).toThrow(
      '--speed is for --source replay or sim',
    );
    expect(() => openMonitor(c, opts({ source: 'live', atMs: 0 }))).toThrow(
      '--at is for --source replay or sim',
    );
    expect(() => openMonitor(c, opts({ atMs: 0, intervalMs: 0 }))).toThrow(
      '--interval must be > 0 seconds, got 0',
    );
    c.close();
  });
});

describe('monitor session on the live providers (local servers replaying recorded responses)', () => {
  it('refreshes from Deribit, Bybit, Yahoo and Cboe, streams BTC from the WebSocket through a drop, and sends start and stop notices', async () => {
    const p = await startFakeProviders({ ws: true });
    const telegram = await FakeHttpServer.start();
    const TOKEN = '7:monitor-t0ken';
    telegram.route({ path: `/bot${TOKEN}/sendMessage`, respond: { body: sendMessageOk() } });
    try {
      const clock = new AutoClock(RECORDED_AT);
      const c = ctx(join(dir, 'live.db'), clock, {
        ...p.env,
        ARGUS_TELEGRAM_TOKEN: TOKEN,
        ARGUS_TELEGRAM_CHAT_ID: '42',
        ARGUS_TELEGRAM_URL: telegram.url,
      });
      const m = openMonitor(c, opts({ source: 'live', atMs: undefined, intervalMs: 60_000 }));
      const got = collect();
      const stop = new AbortController();
      const running = m.run(stop.signal, got.listener, got.onProblem);
      await waitFor(() => got.states.length >= 1 && got.ticks.length >= 1, 'refresh and tick', 20_000);
      p.ws!.dropAll();
      await waitFor(() => got.streams.includes('reconnecting'), 'reconnecting', 20_000);
      await waitFor(() => got.ticks.length >= 2, 'a tick after the reconnect', 20_000);
      stop.abort();
      await running;
      const s = got.states[0];
      expect(s.source).toBe('live');
      expect(s.market.ibit).toMatchObject({ status: 'ok', source: 'yahoo' });
      // The recorded Bybit ticker is from 2022-12-30: shown, and flagged stale, not passed off as now.
      expect(s.health.find((h) => h.field === 'BTC')).toMatchObject({
        status: 'stale',
        source: 'deribit+bybit',
      });
      expect(s.health.find((h) => h.field === 'BTC ticks')).toMatchObject({ source: 'bybit ws' });
      // the recorded WebSocket snapshot's lastPrice, before and after the drop
      expect(got.ticks[0].priceUsd).toBe(17_216);
      expect(got.ticks[1].priceUsd).toBe(17_216);
      expect(p.ws!.ops('subscribe')[0]).toEqual({ op: 'subscribe', args: ['tickers.BTCUSDT'] });
      expect(c.marketSnapshots.recent('live', 5).length).toBeGreaterThanOrEqual(1);
      expect(telegram.requests.filter((r) => r.path === `/bot${TOKEN}/sendMessage`)).toHaveLength(2);
      const rows = c
        .store()
        .db.prepare("SELECT status, text FROM outbox WHERE kind = 'monitor' ORDER BY id")
        .all() as { status: string; text: string }[];
      expect(rows.map((r) => r.status)).toEqual(['sent', 'sent']);
      expect(rows[0].text).toBe('Argus monitor started at 2026-02-11 12:35 ET');
      // The clock advances by each sleep: on a loaded machine the loops run past midnight ET.
      expect(rows[1].text).toMatch(/^Argus monitor stopped at 2026-02-1[12] \d\d:\d\d ET$/);
      c.close();
    } finally {
      await telegram.close();
      await p.close();
    }
  }, 60_000);
});

describe('monitor market status from the calendar (simulated market)', () => {
  it('an early close counts down to 13:00 ET; a holiday counts down to the next open', async () => {
    const early = ctx(join(dir, 'sim.db'), ManualClock.at('2026-12-05T12:00:00Z'));
    const m = openMonitor(early, opts({ source: 'sim', atMs: Date.UTC(2026, 10, 27, 16, 0) }));
    const s = await m.refresh();
    expect(s.market.phase).toBe('open');
    expect(s.market.next).toEqual({ kind: 'close', atMs: Date.UTC(2026, 10, 27, 18, 0) });
    await m.close();
    const holiday = openMonitor(early, opts({ source: 'sim', atMs: Date.UTC(2026, 10, 26, 16, 0) }));
    const h = await holiday.refresh();
    expect(h.market.phase).toBe('closed');
    expect(h.market.reason).toMatch(/Thanksgiving/);
    expect(h.market.next).toEqual({ kind: 'open', atMs: Date.UTC(2026, 10, 27, 14, 30) });
    await holiday.close();
    early.close();
  }, 60_000);
});

describe('monitor --farm beside cron jobs on the same database', () => {
  it('the monitor and four `farm exits` of the same minute: one step, nothing closed twice, no error', async () => {
    const db = join(dir, 'cron.db');
    const wall = ManualClock.at('2026-12-05T12:00:00Z');
    const c = ctx(db, wall);
    const start = Date.UTC(2025, 2, 10, 15, 0);
    const m = openMonitor(c, opts({ atMs: start, speed: 60, farm: true, gridFile: grid }));
    const first = await m.refresh();
    expect(first.farm.driver.last).toMatchObject({ mode: 'full', status: 'done' });
    wall.advance(15_000); // 15 market minutes on: exits are due for the monitor and for cron
    const at = start + 15 * 60_000;
    const cron = Array.from({ length: 4 }, () => ctx(db, new ManualClock(at)));
    const [mine, ...theirs] = await Promise.all([
      m.refresh(),
      ...cron.map((x) =>
        farmLiveStep(x, { mode: 'exits', engine: 'js', gridFile: grid, sourceKind: 'replay' }),
      ),
    ]);
    expect(mine.problems).toEqual([]);
    expect(mine.farm.driver.last?.status).not.toBe('failed');
    const statuses = [
      mine.farm.driver.last!.status === 'done' ? 'done' : 'other',
      ...theirs.map((r) => r.status),
    ];
    // Exactly one process stepped the minute; the others saw it recorded.
    expect(statuses.filter((x) => x === 'done')).toHaveLength(1);
    const closed = c
      .store()
      .db.prepare("SELECT count(*) AS n, count(DISTINCT id) AS d FROM positions WHERE status = 'closed'")
      .get() as { n: number; d: number };
    expect(closed.n).toBe(closed.d);
    await m.close();
    for (const x of cron) x.close();
    c.close();
  }, 60_000);
});
