import { parentPort } from 'node:worker_threads';
import { Grid } from '../../core/farm/grid.js';
import { addStepSummary, FarmHost, MarkBook, type StepSummary } from '../../core/farm/host.js';
import { JsFarmKernels } from '../../core/farm/kernels-js.js';
import { FarmState } from '../../core/farm/state.js';
import { decodeStep } from '../../core/farm/step-codec.js';
import type { FromShard, ToShard } from './messages.js';

/** One thread of the farm: a FarmHost per trader range it was given, over the shared state. */
const port = parentPort;
if (!port) throw new Error('shard-worker runs only as a worker thread');
let hosts: FarmHost[] = [];

function reply(m: FromShard): void {
  port?.postMessage(m);
}

/** Ascending ids held open by any of this thread's hosts. */
function openIds(): Int32Array {
  const ids: number[] = [];
  for (const h of hosts) for (const id of h.openSpreads()) ids.push(id);
  return Int32Array.from(ids).sort();
}

port.on('message', (m: ToShard) => {
  try {
    switch (m.type) {
      case 'init': {
        const whole = new FarmState(m.traders, m.slots, m.months, 0, m.years, { arrays: m.arrays });
        whole.days = m.days;
        const grid = new Grid(m.gridSpec);
        const markBook = new MarkBook(true);
        // A process shard's state starts at grid trader `first`: ranges are within it.
        const first = m.host.range?.from ?? 0;
        hosts = m.ranges.map(({ from, to }) => {
          const state = whole.view(from, to);
          state.groupDaily = m.groupDaily;
          return new FarmHost(
            grid,
            m.rules,
            {
              ...m.host,
              kernels: new JsFarmKernels(),
              range: { from: first + from, to: first + to },
              dailySample: m.dailySample ?? undefined,
              markBook,
            },
            state,
          );
        });
        reply({ type: 'ready', open: openIds() });
        return;
      }
      case 'step': {
        const input = decodeStep(m.input);
        let summary: StepSummary | null = null;
        for (const h of hosts) {
          const s = h.step(input);
          if (summary) addStepSummary(summary, s);
          else summary = s;
        }
        if (!summary) throw new Error('step before init');
        reply({ type: 'stepped', summary, open: openIds() });
        return;
      }
      case 'startMonth':
        for (const h of hosts) h.startMonth();
        reply({ type: 'monthStarted' });
        return;
      case 'settleGreeks':
        for (const h of hosts) h.settleGreeks();
        reply({ type: 'greeksSettled' });
        return;
    }
  } catch (err) {
    const e = err instanceof Error ? err : new Error(String(err));
    reply({ type: 'failed', message: e.message, stack: e.stack });
  }
});
