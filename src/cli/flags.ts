import { Flags } from '@oclif/core';
import { parseDateArg, parseInstant, parseNumberArg, parseShardArg } from '../core/args.js';
import { ENGINE_REQUESTS } from '../core/engine/resolve.js';

// Value flags check their input inside the flag, so a command only ever sees a valid value.
// (oclif prefixes an error thrown here with "Parsing --flag"; BaseCommand prints ours without it.)

/** A number flag, bounds checked. */
export const numberFlag = Flags.custom<number, { min?: number; max?: number }>({
  parse: async (input, _ctx, opts) => parseNumberArg(opts.name, input, { min: opts.min, max: opts.max }),
});

/** An ET calendar date, YYYY-MM-DD, that exists. */
export const dateFlag = Flags.custom<string>({
  parse: async (input, _ctx, opts) => parseDateArg(opts.name, input),
  helpValue: 'YYYY-MM-DD',
});

/** An instant, ISO 8601 with its zone, as epoch milliseconds. */
export const instantFlag = Flags.custom<number>({
  parse: async (input, _ctx, opts) => parseInstant(opts.name, input),
  helpValue: 'ISO-INSTANT',
});

/** Shard I of N (`--shard 2/4`): one process's part of a backtest split over several. */
export const shardFlag = Flags.custom<{ index: number; of: number }>({
  parse: async (input, _ctx, opts) => parseShardArg(opts.name, input),
  helpValue: 'I/N',
});

/** The compute engine: auto | gpu | cpu | js. */
export const engineFlag = Flags.option({ options: ENGINE_REQUESTS });

/** Flags shared by commands that read market data. */
export const sourceFlags = {
  source: Flags.option({
    options: ['live', 'replay', 'sim'] as const,
    description: 'market data source (default from config: live)',
  })(),
  at: instantFlag({
    description: 'as of this instant, ISO 8601 with zone (replay/sim; live answers only the present)',
  }),
};

const num = (description: string) => numberFlag({ description });

/** `argus price` flags, exactly as documented (scripts rely on these names). */
export const priceFlags = {
  spot: num('underlying price'),
  rate: num('risk-free rate, continuous, annual (default 0)'),
  'dividend-yield': num('continuous dividend yield (default 0)'),
  vol: num('volatility (GBM), or the diffusion vol (Merton)'),
  years: numberFlag({ description: 'time to expiry in years', exclusive: ['days'] }),
  days: numberFlag({ description: 'time to expiry in days (÷ 365)', exclusive: ['years'] }),
  style: Flags.option({ options: ['european', 'american'] as const, default: 'european' })(),
  model: Flags.option({
    options: ['gbm', 'bs', 'heston', 'merton', 'heston-jump'] as const,
    default: 'gbm',
    description: 'bs is an alias of gbm',
  })(),
  v0: num('Heston initial variance'),
  kappa: num('Heston mean-reversion speed'),
  theta: num('Heston long-run variance'),
  xi: num('Heston vol of variance'),
  rho: num('Heston spot/variance correlation'),
  lambda: num('Merton jumps per year'),
  'jump-mean': num('Merton mean log-jump'),
  'jump-vol': num('Merton std of the log-jump'),
  method: Flags.option({
    options: ['analytic', 'mc', 'lattice'] as const,
    description: 'default: analytic (European), lattice (American)',
  })(),
  paths: Flags.integer({ description: 'Monte Carlo paths', default: 100_000, min: 2, max: 20_000_000 }),
  steps: Flags.integer({
    description: 'Monte Carlo time steps (default: one a day) or lattice steps',
    min: 1,
    max: 100_000,
  }),
  seed: Flags.integer({ description: 'Monte Carlo seed', default: 1, min: 0 }),
};

/** --columns and --csv for a command that prints a table. */
export const tableFlags = {
  columns: Flags.string({
    description: 'show these columns, comma-separated, by heading (default: as many as fit the terminal)',
  }),
  csv: Flags.boolean({
    description: 'print the table as CSV (every column, raw numbers)',
    exclusive: ['json'],
  }),
};

/** The --columns list. */
export function columnList(v: string | undefined): string[] | undefined {
  return v === undefined
    ? undefined
    : v
        .split(',')
        .map((c) => c.trim())
        .filter(Boolean);
}
