import { Worker } from 'node:worker_threads';
import { addStepSummary, RANGE_CELLS, type StepSummary } from '../../core/farm/host.js';
import type { HostShards, ShardSetup } from '../../core/farm/ports.js';
import { encodeStep } from '../../core/farm/step-codec.js';
import type { StepInput } from '../../core/farm/step-input.js';
import type { FromShard, ToShard } from './messages.js';

interface Shard {
  worker: Worker;
  /** The answer awaited, if any. */
  waiting: { resolve: (m: FromShard) => void; reject: (e: Error) => void } | null;
  groupDaily: Float64Array;
}

/**
 * Trader ranges per thread. Each step the threads take ranges from a shared counter until none is
 * left, so the work is shared as it comes: it differs along the grid (a low warmth floor trades
 * more), and a thread the OS sets aside (the main thread builds the next step beside them) takes
 * fewer. Smaller ranges share better; each costs a few allocations per step.
 */
const RANGES_PER_THREAD = 16;

/**
 * Worker threads over the state's shared memory, stepping the traders range by range. The
 * main thread builds the market and sums the threads' step summaries: counts and whole cents,
 * which add the same in any order.
 */
export class ThreadShards implements HostShards {
  readonly count: number;
  private shards: Shard[] = [];
  private state: ShardSetup['state'] | null = null;
  private readonly workerUrl: URL;
  /** Next range to take in this step (shared with the threads). */
  private readonly next = new Int32Array(new SharedArrayBuffer(4));
  /** Open positions per spread id, summed over the threads' reports, and the ids held. */
  private refs = new Int32Array(1024);
  private readonly open = new Set<number>();

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
    const ranges = Array.from({ length: chunks }, (_, c) => ({
      from: Math.floor((c * n) / chunks),
      to: Math.floor(((c + 1) * n) / chunks),
    }));
    const cells = new Float64Array(new SharedArrayBuffer(chunks * RANGE_CELLS * 8));
    // A resumed run holds spreads before its first step: the market must mark them.
    const sp = st.s.spread;
    for (let k = 0; k < sp.length; k++) if (sp[k] >= 0) this.addRef(sp[k], 1);
    await Promise.all(
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
          ranges,
          next: this.next,
          cells,
          index: w,
          threads: count,
          dailySample: setup.dailySample,
          groupDaily: s.groupDaily,
        }),
      ),
    );
  }

  private ask(s: Shard, m: ToShard): Promise<FromShard> {
    return new Promise((resolve, reject) => {
      s.waiting = { resolve, reject };
      s.worker.postMessage(m);
    });
  }

  private addRef(id: number, delta: number): void {
    if (id >= this.refs.length) {
      const grown = new Int32Array(Math.max(id + 1, 2 * this.refs.length));
      grown.set(this.refs);
      this.refs = grown;
    }
    this.refs[id] += delta;
    if (this.refs[id] > 0) this.open.add(id);
    else this.open.delete(id);
  }

  async step(input: StepInput): Promise<StepSummary> {
    const encoded = encodeStep(input);
    Atomics.store(this.next, 0, 0);
    const answers = await Promise.all(this.shards.map((s) => this.ask(s, { type: 'step', input: encoded })));
    let out: StepSummary | null = null;
    answers.forEach((a, w) => {
      if (a.type !== 'stepped') throw new Error(`farm shard ${w + 1}: unexpected answer ${a.type}`);
      for (let j = 0; j < a.refs.length; j += 2) this.addRef(a.refs[j], a.refs[j + 1]);
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
    return new Set(Int32Array.from(this.open).sort());
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
