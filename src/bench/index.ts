import { cpus, totalmem } from 'node:os';
import { engineBench } from './engine.bench.js';
import { farmBench } from './farm.bench.js';
import type { Bench } from './harness.js';
import { pricingBench } from './pricing.bench.js';
import { storeBench } from './store.bench.js';

const BENCHES: Bench[] = [storeBench, engineBench, pricingBench, farmBench];

async function main(): Promise<void> {
  const only = process.argv.slice(2);
  const results: Record<string, unknown> = {};
  for (const b of BENCHES) {
    if (only.length && !only.some((o) => b.name.startsWith(o))) continue;
    process.stderr.write(`bench: ${b.name}…\n`);
    results[b.name] = await b.run();
  }
  const doc = {
    machine: {
      node: process.version,
      cpus: cpus().length,
      cpuModel: cpus()[0]?.model ?? null,
      memGiB: Math.round(totalmem() / 2 ** 30),
    },
    peakRssMiB: Math.round(process.resourceUsage().maxRSS / 1024),
    results,
  };
  process.stdout.write(`${JSON.stringify(doc, null, 2)}\n`);
}

await main();
