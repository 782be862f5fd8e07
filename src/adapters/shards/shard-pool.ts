import { Worker } from 'node:worker_threads';
import { addStepSummary, type StepSummary } from '../../core/farm/host.js';
import type { HostShards, ShardSetup } from '../../core/farm/ports.js';
import { encodeStep } from '../../core/farm/step-codec.js';
import type { StepInput } from '../../core/farm/step-input.js';
import type { FromShard, ToShard } from './messages.js';

interface Shard {
  worker: Worker;
  /** The answer awaited, if any. */
  waiting: { resolve: (m: FromShard) => void; reject: (e: Error) => void } | null;
  groupDaily: Float64Array;
  open: Int32Array;
}

/** Trader ranges per thread: work differs along the grid (a low warmth floor trades more), so each thread takes every Nth of many ranges. */
const RANGES_PER_THREAD = 8;

/**
 * Worker threads over the state's shared memory, each stepping its share of the traders. The
 * main thread builds the market and sums the threads' step summaries: counts and whole cents,
 * which add the same in any order.
 */
export class ThreadShards implements HostShards {
  readonly count: number;
  private shards: Shard[] = [];
  private state: ShardSetup['state'] | null = null;
  private readonly workerUrl: URL;

  constructor(count: number, workerUrl: URL = new URL('./shard-worker.js', import.meta.url)) {
    this.count = count;
    this.workerUrl = workerUrl;
  }

  async start(setup: ShardSetup): Promise<void> {
    const st = setup.state;
    this.state = st;
    const n = st.traders;
    const count = Math.max(1, Math.min(this.count, n));
    const groupLen = st.groupDaily.length;
    for (let w = 0; w < count; w++) {
      const worker = new Worker(this.workerUrl);
      const shard: Shard = {
        worker,
        waiting: null,
        groupDaily: new Float64Array(new SharedArrayBuffer(groupLen * 8)),
        open: new Int32Array(0),
      };
      worker.on('message', (m: FromShard) => {
        const w8 = shard.waiting;
        shard.waiting = null;
        if (!w8) return;
        if (m.type === 'failed') {
          const e = new Error(`farm shard ${w + 1}/${count}: ${m.message}`);
          if (m.stack) e.stack = `${e.message}\n${m.stack}`;
          w8.reject(e);
        } else w8.resolve(m);
      });
      worker.on('error', (e) => {
        shard.waiting?.reject(e);
        shard.waiting = null;
      });
      worker.on('exit', (code) => {
        shard.waiting?.reject(new Error(`farm shard ${w + 1}/${count} stopped (exit ${code})`));
        shard.waiting = null;
      });
      this.shards.push(shard);
    }
    // Never more ranges than traders: each range then holds one or more, and every thread has one
    // (with 4 traders over 2 threads × 8 ranges, all the non-empty ranges fell to one thread).
    const chunks = Math.min(count * RANGES_PER_THREAD, n);
    const range = (c: number) => ({
      from: Math.floor((c * n) / chunks),
      to: Math.floor(((c + 1) * n) / chunks),
    });
    const ready = await Promise.all(
      this.shards.map((s, w) =>
        this.ask(s, {
          type: 'init',
          gridSpec: setup.gridSpec,
          rules: setup.rules,
          host: setup.host,
          traders: n,
          slots: st.slots,
          months: st.months,
          years: st.years,
          days: st.days,
          arrays: st.arrays(),
          ranges: Array.from({ length: RANGES_PER_THREAD }, (_, r) => r * count + w)
            .filter((c) => c < chunks)
            .map(range),
          dailySample: setup.dailySample,
          groupDaily: s.groupDaily,
        }),
      ),
    );
    // A resumed run holds spreads before its first step: the market must mark them.
    ready.forEach((a, w) => {
      if (a.type === 'ready') this.shards[w].open = a.open;
    });
  }

  private ask(s: Shard, m: ToShard): Promise<FromShard> {
    return new Promise((resolve, reject) => {
      s.waiting = { resolve, reject };
      s.worker.postMessage(m);
    });
  }

  async step(input: StepInput): Promise<StepSummary> {
    const encoded = encodeStep(input);
    const answers = await Promise.all(this.shards.map((s) => this.ask(s, { type: 'step', input: encoded })));
    let out: StepSummary | null = null;
    answers.forEach((a, w) => {
      if (a.type !== 'stepped') throw new Error(`farm shard ${w + 1}: unexpected answer ${a.type}`);
      this.shards[w].open = a.open;
      if (out) addStepSummary(out, a.summary);
      else out = a.summary;
    });
    if (input.isClose && this.state) this.state.days++;
    return out as unknown as StepSummary;
  }

  async startMonth(): Promise<void> {
    await Promise.all(this.shards.map((s) => this.ask(s, { type: 'startMonth' })));
  }

  async settleGreeks(): Promise<void> {
    await Promise.all(this.shards.map((s) => this.ask(s, { type: 'settleGreeks' })));
  }

  /** Ascending, as one host gives them: the market marks them in this order. */
  openSpreads(): Set<number> {
    let n = 0;
    for (const s of this.shards) n += s.open.length;
    const all = new Int32Array(n);
    n = 0;
    for (const s of this.shards) {
      all.set(s.open, n);
      n += s.open.length;
    }
    return new Set(all.sort());
  }

  collectGroupDaily(into: Float64Array): void {
    for (const s of this.shards) {
      const g = s.groupDaily;
      for (let j = 0; j < g.length; j++) into[j] += g[j];
      g.fill(0);
    }
  }

  async close(): Promise<void> {
    const shards = this.shards;
    this.shards = [];
    await Promise.all(shards.map((s) => s.worker.terminate()));
  }
}
