import type WebSocket from 'ws';
import { z } from 'zod';
import type { Clock } from '../../../core/time/clock.js';
import { parseWith } from './http.js';
import { inBand, PLAUSIBLE } from './plausible.js';
import { errorMessage, ProviderError } from './provider-error.js';
import { numStr } from './util.js';

export const BYBIT_WS_DEFAULT_URL = 'wss://stream.bybit.com/v5/public/linear';
const ENDPOINT = 'ws tickers';

/** ws loads on the first connection, not with every command that links this module. */
let wsModule: Promise<typeof import('ws')> | undefined;
const loadWs = () => {
  wsModule ??= import('ws');
  return wsModule;
};

export interface BybitTickerStreamOptions {
  url?: string;
  symbol?: string;
  clock: Clock;
  random: () => number;
  /** Bybit drops a connection that sends nothing for 30 s; it recommends a ping every 20 s. */
  pingIntervalMs?: number;
  /** A connection silent for this long is dead even if the socket looks open. */
  silenceLimitMs?: number;
  reconnectBaseMs?: number;
  reconnectMaxMs?: number;
}

/** The merged ticker, normalised once: fractions for change and funding, USD(T) prices. */
export interface BybitStreamTicker {
  symbol: string;
  lastPrice: number;
  /** price24hPcnt is already a fraction: 0.0123 = 1.23 %. */
  change24hFrac: number;
  markPrice: number | null;
  indexPrice: number | null;
  bid1Price: number | null;
  ask1Price: number | null;
  /** Funding per 8 h as a fraction; null until both rate and interval are known. */
  fundingRate8h: number | null;
  fundingIntervalHours: number | null;
  nextFundingTimeMs: number | null;
  /** Bybit's `ts` of the last message merged. */
  tsMs: number;
}

export type StreamStatus = 'connecting' | 'open' | 'subscribed' | 'closed' | 'reconnecting';

export type StreamEvent =
  | { type: 'ticker'; ticker: BybitStreamTicker }
  | { type: 'status'; status: StreamStatus; attempt?: number; delayMs?: number }
  | { type: 'error'; error: ProviderError };

const messageSchema = z.object({
  topic: z.string().optional(),
  type: z.string().optional(),
  op: z.string().optional(),
  success: z.boolean().optional(),
  ret_msg: z.string().optional(),
  ts: z.number().optional(),
  data: z.record(z.string(), z.unknown()).optional(),
});

const mergedSchema = z.object({
  symbol: z.string(),
  lastPrice: numStr,
  price24hPcnt: numStr,
  markPrice: numStr.optional(),
  indexPrice: numStr.optional(),
  bid1Price: numStr.optional(),
  ask1Price: numStr.optional(),
  fundingRate: numStr.optional(),
  fundingIntervalHour: numStr.optional(),
  nextFundingTime: numStr.optional(),
});

/**
 * Bybit v5 public `tickers.{symbol}` stream. A snapshot carries every field, a delta only those
 * that changed, so the state is the snapshot with each delta laid over it. Reconnects with
 * full-jitter backoff and subscribes again; a new connection waits for its own snapshot.
 */
export class BybitTickerStream {
  private readonly url: string;
  private readonly symbol: string;
  private readonly topic: string;
  private readonly pingIntervalMs: number;
  private readonly silenceLimitMs: number;
  private readonly reconnectBaseMs: number;
  private readonly reconnectMaxMs: number;
  private readonly listeners = new Set<(e: StreamEvent) => void>();
  private readonly stop = new AbortController();
  private state: Record<string, unknown> | null = null;
  private current: BybitStreamTicker | null = null;
  private awaitingSnapshot = true;
  private lastMessageMono = 0;
  private ws: WebSocket | null = null;
  private running: Promise<void> | null = null;

  constructor(private readonly opts: BybitTickerStreamOptions) {
    this.url = opts.url ?? BYBIT_WS_DEFAULT_URL;
    this.symbol = opts.symbol ?? 'BTCUSDT';
    this.topic = `tickers.${this.symbol}`;
    this.pingIntervalMs = opts.pingIntervalMs ?? 20_000;
    this.silenceLimitMs = opts.silenceLimitMs ?? 2.5 * this.pingIntervalMs;
    this.reconnectBaseMs = opts.reconnectBaseMs ?? 500;
    this.reconnectMaxMs = opts.reconnectMaxMs ?? 30_000;
  }

  start(): this {
    this.running ??= this.run();
    return this;
  }

  /** The latest merged ticker, or null before the first snapshot. Never waits. */
  latest(): BybitStreamTicker | null {
    return this.current;
  }

  /** Subscribe to events; returns the unsubscribe function. */
  on(listener: (e: StreamEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async close(): Promise<void> {
    if (this.stop.signal.aborted) return this.running ?? undefined;
    this.stop.abort();
    const ws = this.ws;
    if (ws && ws.readyState !== ws.CLOSED) {
      await new Promise<void>((resolve) => {
        ws.once('close', () => resolve());
        // A peer that never answers the close frame must not hold us up.
        const t = setTimeout(() => ws.terminate(), 1_000);
        t.unref();
        ws.close(1000);
      });
    }
    await this.running;
  }

  private emit(e: StreamEvent): void {
    for (const l of this.listeners) l(e);
  }

  private async run(): Promise<void> {
    let attempt = 0;
    while (!this.stop.signal.aborted) {
      const opened = await this.connectOnce();
      if (this.stop.signal.aborted) break;
      attempt = opened ? 1 : attempt + 1;
      const capMs = Math.min(this.reconnectMaxMs, this.reconnectBaseMs * 2 ** (attempt - 1));
      const delayMs = Math.floor(this.opts.random() * capMs);
      this.emit({ type: 'status', status: 'reconnecting', attempt, delayMs });
      try {
        await this.opts.clock.sleep(delayMs, this.stop.signal);
      } catch {
        break;
      }
    }
  }

  /** Resolves when the connection is over, telling whether it ever opened. */
  private async connectOnce(): Promise<boolean> {
    this.emit({ type: 'status', status: 'connecting' });
    const { default: WebSocket } = await loadWs();
    // Closed while ws was loading: nothing to connect.
    if (this.stop.signal.aborted) return false;
    return new Promise((resolve) => {
      const ws = new WebSocket(this.url);
      this.ws = ws;
      this.awaitingSnapshot = true;
      const heartbeat = new AbortController();
      let opened = false;
      ws.on('open', () => {
        opened = true;
        this.lastMessageMono = this.opts.clock.monotonicMs();
        ws.send(JSON.stringify({ op: 'subscribe', args: [this.topic] }));
        this.emit({ type: 'status', status: 'open' });
        void this.heartbeat(ws, heartbeat.signal);
      });
      ws.on('message', (data) => this.onMessage(data.toString()));
      ws.on('error', (err) => {
        if (!this.stop.signal.aborted) this.emitError('connection', `websocket error: ${errorMessage(err)}`);
      });
      ws.on('close', () => {
        heartbeat.abort();
        if (this.ws === ws) this.ws = null;
        this.emit({ type: 'status', status: 'closed' });
        resolve(opened);
      });
    });
  }

  private async heartbeat(ws: WebSocket, signal: AbortSignal): Promise<void> {
    const clock = this.opts.clock;
    while (!signal.aborted) {
      try {
        await clock.sleep(this.pingIntervalMs, signal);
      } catch {
        return;
      }
      if (clock.monotonicMs() - this.lastMessageMono > this.silenceLimitMs) {
        this.emitError('timeout', `no message for ${Math.round(this.silenceLimitMs / 1000)} s; reconnecting`);
        ws.terminate();
        return;
      }
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify({ op: 'ping' }));
    }
  }

  private onMessage(text: string): void {
    this.lastMessageMono = this.opts.clock.monotonicMs();
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch (e) {
      this.emitError('bad-json', `message is not valid JSON: ${errorMessage(e)}`);
      return;
    }
    const parsed = messageSchema.safeParse(raw);
    if (!parsed.success) {
      this.emitError('schema', 'message is not an object of the expected shape');
      return;
    }
    const msg = parsed.data;
    if (msg.op === 'subscribe') {
      if (msg.success === false) this.emitError('provider-error', `subscribe refused: ${msg.ret_msg ?? ''}`);
      else this.emit({ type: 'status', status: 'subscribed' });
      return;
    }
    if (msg.topic !== this.topic || !msg.data) return; // pongs and other topics only prove liveness
    if (msg.ts === undefined) {
      this.emitError('schema', 'ticker message without ts');
      return;
    }
    let next: Record<string, unknown>;
    if (msg.type === 'snapshot') {
      next = { ...msg.data };
    } else if (msg.type === 'delta') {
      // A delta without this connection's snapshot would be laid over stale or missing fields.
      if (this.awaitingSnapshot || !this.state) return;
      next = { ...this.state, ...msg.data };
    } else {
      return;
    }
    try {
      this.current = normalise(
        parseWith(mergedSchema, next, { provider: 'bybit', endpoint: ENDPOINT }),
        msg.ts,
      );
    } catch (e) {
      // A bad message is dropped whole; the merged state stays as it was.
      if (e instanceof ProviderError) this.emit({ type: 'error', error: e });
      return;
    }
    this.state = next;
    if (msg.type === 'snapshot') this.awaitingSnapshot = false;
    this.emit({ type: 'ticker', ticker: this.current });
  }

  private emitError(kind: ProviderError['kind'], detail: string): void {
    this.emit({
      type: 'error',
      error: new ProviderError({ provider: 'bybit', endpoint: ENDPOINT, kind }, detail),
    });
  }
}

/** The merged ticker in our units; a value outside its plausible band refuses the message by name. */
function normalise(m: z.output<typeof mergedSchema>, ts: number): BybitStreamTicker {
  const at = (field: string) => ({
    provider: 'bybit' as const,
    endpoint: ENDPOINT,
    fieldPath: `data.${field}`,
  });
  const btc = (v: number | undefined, field: string) =>
    v === undefined ? null : inBand(v, PLAUSIBLE.btcUsd, at(field));
  const interval = m.fundingIntervalHour ?? null;
  const rate =
    m.fundingRate === undefined ? undefined : inBand(m.fundingRate, PLAUSIBLE.fundingRate, at('fundingRate'));
  return {
    symbol: m.symbol,
    lastPrice: inBand(m.lastPrice, PLAUSIBLE.btcUsd, at('lastPrice')),
    change24hFrac: inBand(m.price24hPcnt, PLAUSIBLE.change24hFrac, at('price24hPcnt')),
    markPrice: btc(m.markPrice, 'markPrice'),
    indexPrice: btc(m.indexPrice, 'indexPrice'),
    bid1Price: btc(m.bid1Price, 'bid1Price'),
    ask1Price: btc(m.ask1Price, 'ask1Price'),
    // fundingRate is per interval; scaled to 8 h as in the REST client.
    fundingRate8h:
      rate !== undefined && interval && interval > 0 && interval <= 24 ? (rate * 8) / interval : null,
    fundingIntervalHours: interval,
    nextFundingTimeMs: m.nextFundingTime ?? null,
    tsMs: ts,
  };
}
