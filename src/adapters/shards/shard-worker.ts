import { parentPort } from 'node:worker_threads';
import { Grid } from '../../core/farm/grid.js';
import { addStepSummary, emptySummary, FarmHost, MarkBook, RANGE_CELLS } from '../../core/farm/host.js';
import { JsFarmKernels } from '../../core/farm/kernels-js.js';
import { FarmState } from '../../core/farm/state.js';
import { decodeStep } from '../../core/farm/step-codec.js';
import type { FromShard, ToShard } from './messages.js';

/**
 * One thread of the farm. It holds a FarmHost for every trader range, over the shared state, and
 * each step takes ranges from the shared counter until none is left: a thread slowed down (the
 * main thread builds the next step beside them) takes fewer, and no thread waits on another's.
 */
const port = parentPort;
if (!port) throw new Error('shard-worker runs only as a worker thread');
let hosts: FarmHost[] = [];
let next: Int32Array<ArrayBufferLike> = new Int32Array(0);
let markBook = new MarkBook(true);
/** Positions opened and closed per spread id by this thread's hosts in the step. */
const refLog = new Map<number, number>();
let days = 0;
let index = 0;
let threads = 1;

function reply(m: FromShard): void {
  port?.postMessage(m);
}

/** This thread's fixed share of the ranges, for the passes every range needs once (month start, greeks). */
function ownShare(): FarmHost[] {
  return hosts.filter((_, r) => r % threads === index);
}

port.on('message', (m: ToShard) => {
  try {
    switch (m.type) {
      case 'init': {
        const whole = new FarmState(m.traders, m.slots, m.months, 0, m.years, { arrays: m.arrays });
        days = m.days;
        index = m.index;
        threads = m.threads;
        next = m.next;
        const grid = new Grid(m.gridSpec);
        markBook = new MarkBook(true);
        const kernels = new JsFarmKernels();
        // A process shard's state starts at grid trader `first`: ranges are within it.
        const first = m.host.range?.from ?? 0;
        hosts = m.ranges.map(({ from, to }, r) => {
          const state = whole.view(from, to);
          state.groupDaily = m.groupDaily;
          return new FarmHost(
            grid,
            m.rules,
            {
              ...m.host,
              kernels,
              range: { from: first + from, to: first + to },
              dailySample: m.dailySample ?? undefined,
              markBook,
              sharedRange: { refLog, cells: m.cells.subarray(r * RANGE_CELLS, (r + 1) * RANGE_CELLS) },
            },
            state,
          );
        });
        reply({ type: 'ready' });
        return;
      }
      case 'step': {
        const input = decodeStep(m.input);
        // Every step's marks, taken or not: the greeks a position reads are the last ones its spread had.
        markBook.load(input);
        const summary = emptySummary(input.step, input.tMs);
        for (;;) {
          const r = Atomics.add(next, 0, 1);
          if (r >= hosts.length) break;
          const h = hosts[r];
          h.state.days = days;
          addStepSummary(summary, h.step(input));
        }
        if (input.isClose) days++;
        const refs = new Int32Array(2 * refLog.size);
        let j = 0;
        for (const [id, d] of refLog) {
          refs[j++] = id;
          refs[j++] = d;
        }
        refLog.clear();
        reply({ type: 'stepped', summary, refs });
        return;
      }
      case 'startMonth':
        for (const h of ownShare()) h.startMonth();
        reply({ type: 'monthStarted' });
        return;
      case 'settleGreeks':
        for (const h of ownShare()) h.settleGreeks();
        reply({ type: 'greeksSettled' });
        return;
    }
  } catch (err) {
    const e = err instanceof Error ? err : new Error(String(err));
    reply({ type: 'failed', message: e.message, stack: e.stack });
  }
});
