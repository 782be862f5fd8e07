import type { BtcTickEvent, BtcTicks } from '../../../core/monitor/ports.js';
import type { Clock } from '../../../core/time/clock.js';
import { BybitTickerStream } from './bybit-ws.js';

/** BTC ticks from Bybit's public ticker stream (BTCUSDT perpetual), for the monitor between refreshes. */
export class BybitBtcTicks implements BtcTicks {
  private readonly stream: BybitTickerStream;

  constructor(o: { url?: string; clock: Clock; random: () => number }) {
    this.stream = new BybitTickerStream({ url: o.url, clock: o.clock, random: o.random });
  }

  start(): void {
    this.stream.start();
  }

  on(listener: (e: BtcTickEvent) => void): () => void {
    return this.stream.on((e) => {
      if (e.type === 'ticker')
        listener({
          type: 'tick',
          priceUsd: e.ticker.lastPrice,
          change24hFrac: e.ticker.change24hFrac,
          atMs: e.ticker.tsMs,
        });
      else if (e.type === 'status') {
        if (e.status === 'subscribed') return;
        listener({ type: 'status', status: e.status, attempt: e.attempt });
      } else listener({ type: 'error', message: e.error.message });
    });
  }

  close(): Promise<void> {
    return this.stream.close();
  }
}
