import { z } from 'zod';
import { ENGINE_REQUESTS, type EngineRequest } from '../engine/resolve.js';

/**
 * Every setting Argus reads, declared once: where it lives in the config file, the environment
 * variable and flag that override it, its schema and default. Later parts append their sections.
 */
export interface SettingSpec {
  /** Dotted path in the config file, e.g. 'data.maxQuoteAgeSec'. */
  path: string;
  env?: string;
  /** Flag name (without dashes) on commands that offer it. */
  flag?: string;
  /** How an environment string becomes a value. */
  kind: 'string' | 'number' | 'boolean' | 'json';
  schema: z.ZodType;
  default: unknown;
  secret?: boolean;
  description: string;
}

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a date YYYY-MM-DD');

export const calendarEventOverride = z
  .object({
    type: z.enum(['fomc', 'cpi']),
    date: isoDate,
    time: z
      .string()
      .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'expected HH:MM (24 h, US/Eastern)')
      .optional(),
    title: z.string().min(1).optional(),
    remove: z.boolean().optional(),
  })
  .strict();
export type CalendarEventOverride = z.infer<typeof calendarEventOverride>;

export const SETTINGS: readonly SettingSpec[] = [
  {
    path: 'source',
    env: 'ARGUS_SOURCE',
    flag: 'source',
    kind: 'string',
    schema: z.enum(['live', 'replay', 'sim']),
    default: 'live',
    description: 'market data source: live, replay (bundled history) or sim (seeded simulator)',
  },
  {
    path: 'logLevel',
    env: 'ARGUS_LOG_LEVEL',
    flag: 'log-level',
    kind: 'string',
    schema: z.enum(['debug', 'info', 'warn', 'error']),
    default: 'info',
    description: 'least severe log level printed to stderr',
  },
  {
    path: 'data.maxQuoteAgeSec',
    env: 'ARGUS_MAX_QUOTE_AGE_SEC',
    kind: 'number',
    schema: z.number().positive(),
    // Yahoo option quotes are delayed 15 minutes; older than 20 during the session is stale.
    default: 1200,
    description: 'an option quote older than this during the market session is stale (no fill)',
  },
  {
    path: 'pricing.riskFreeRate',
    env: 'ARGUS_RISK_FREE_RATE',
    kind: 'number',
    schema: z.number().min(-0.05).max(0.25),
    // 3-month T-bill yield through most of 2025 was 4.0–4.3 %.
    default: 0.04,
    description: 'annual risk-free rate (continuous) used to price options and synthetic chains',
  },
  {
    path: 'replay.dailyExpiriesFrom',
    kind: 'json',
    schema: isoDate.nullable(),
    default: null,
    description:
      'replay lists Monday/Wednesday IBIT expiries from this date (null: Fridays and monthlies only)',
  },
  {
    path: 'replay.ivShift',
    flag: 'iv-shift',
    kind: 'number',
    schema: z.number().min(-30).max(30),
    default: 0,
    description:
      "vol points added to the fitted IV level (DVOL × the chain model's ratio) in replay's synthetic chains",
  },
  {
    path: 'farm.capitalUsd',
    env: 'ARGUS_FARM_CAPITAL_USD',
    kind: 'number',
    schema: z.number().positive(),
    default: 100_000,
    description: 'paper capital per trader (USD)',
  },
  {
    path: 'farm.feePerContractPerLegUsd',
    env: 'ARGUS_FARM_FEE',
    flag: 'fee',
    kind: 'number',
    schema: z.number().min(0).max(10),
    default: 0.65,
    description: 'commission per contract per leg (USD)',
  },
  {
    path: 'farm.fillF',
    env: 'ARGUS_FILL_F',
    flag: 'fill-f',
    kind: 'number',
    schema: z.number().min(0).max(1),
    default: 1,
    description:
      'fill model: each leg fills this fraction of the way from mid to its worse side (1 = bid/ask, 0.32 ≈ ORATS)',
  },
  {
    path: 'farm.maxOpenPositions',
    kind: 'number',
    schema: z.number().int().min(1).max(8),
    default: 3,
    description: 'open positions per trader',
  },
  {
    path: 'farm.rules',
    kind: 'json',
    schema: z.record(z.string(), z.unknown()),
    default: {},
    description:
      'overrides of the other farm rules (see README: exposure, caps, blackouts, breaker, theta capture, DTE exit)',
  },
  {
    path: 'farm.checkpointEvery',
    kind: 'number',
    schema: z.number().int().min(1).nullable(),
    default: null,
    description:
      'steps between engine checkpoints in a backtest (resume restarts from the last one); unset: by time (farm.checkpointSeconds)',
  },
  {
    path: 'farm.checkpointSeconds',
    kind: 'number',
    schema: z.number().min(1),
    // A checkpoint of 432k traders is ~180 MB (≈1.5 s with fsync): by time, a run that is quick to
    // redo writes none, and a long one at most one per interval.
    default: 120,
    description:
      'seconds of a backtest between engine checkpoints, when farm.checkpointEvery is unset (a resume redoes at most this much)',
  },
  {
    path: 'farm.workers',
    env: 'ARGUS_FARM_WORKERS',
    flag: 'workers',
    kind: 'number',
    schema: z.number().int().min(0).max(64),
    // 0: one thread per core (at most 8). The js engine's steps split over them; results are identical.
    default: 0,
    description:
      'threads a backtest steps its traders on (js engine; 0: one per core, at most 8; 1: the main thread only); the results do not depend on it',
  },
  {
    path: 'farm.grid',
    env: 'ARGUS_GRID',
    kind: 'string',
    schema: z.string().min(1).nullable(),
    default: null,
    description: 'the trader grid file when --grid is not given (null: the bundled 432,000-trader grid)',
  },
  {
    path: 'farm.backtestFrom',
    env: 'ARGUS_BACKTEST_FROM',
    kind: 'string',
    schema: z
      .string()
      .regex(/^\d{4}-\d{2}-\d{2}$/, 'expected YYYY-MM-DD')
      .nullable(),
    default: null,
    description: "a backtest's first day when --from is not given (null: the start of the data)",
  },
  {
    path: 'farm.backtestTo',
    env: 'ARGUS_BACKTEST_TO',
    kind: 'string',
    schema: z
      .string()
      .regex(/^\d{4}-\d{2}-\d{2}$/, 'expected YYYY-MM-DD')
      .nullable(),
    default: null,
    description: "a backtest's last day when --to is not given (null: the end of the data)",
  },
  {
    path: 'farm.engine',
    env: 'ARGUS_ENGINE',
    flag: 'engine',
    kind: 'string',
    schema: z.enum(ENGINE_REQUESTS),
    default: 'auto',
    description: 'farm and Monte Carlo engine: auto, gpu (gpu.js on GL), cpu (gpu.js CPU mode) or js',
  },
  {
    path: 'signal.dte',
    kind: 'number',
    schema: z.number().int().min(1).max(365),
    default: 14,
    description: 'recommendation (until promotions exist): target days to expiry',
  },
  {
    path: 'signal.shortDelta',
    kind: 'number',
    schema: z.number().gt(0).lt(1),
    default: 0.2,
    description: 'recommendation: |delta| of the short put',
  },
  {
    path: 'signal.width',
    kind: 'number',
    schema: z.number().positive(),
    default: 2,
    description: 'recommendation: spread width in dollars',
  },
  {
    path: 'signal.warmthFloor',
    kind: 'number',
    schema: z.number().min(1).max(10),
    default: 5,
    description: 'recommendation: lowest warmth score that passes',
  },
  {
    path: 'signal.ivRankFloor',
    kind: 'number',
    schema: z.number().min(0).max(100),
    default: 0,
    description: 'recommendation: lowest IV rank (0–100) that passes',
  },
  {
    path: 'signal.minPop',
    kind: 'number',
    schema: z.number().min(0).max(1),
    default: 0.6,
    description: 'recommendation: lowest probability of profit that passes',
  },
  {
    path: 'signal.model',
    env: 'ARGUS_MODEL',
    flag: 'model',
    kind: 'string',
    schema: z.enum(['gbm', 'heston', 'merton', 'heston-jump']),
    default: 'heston-jump',
    description: 'model for the probability of profit (fitted parameters, variance level from the market IV)',
  },
  {
    path: 'sim.model',
    env: 'ARGUS_SIM_MODEL',
    kind: 'string',
    schema: z.enum(['gbm', 'heston', 'heston-jump']),
    default: 'heston',
    description: 'simulator: BTC model (parameters fitted by scripts/fit-sim-params.mjs)',
  },
  {
    path: 'sim.seed',
    env: 'ARGUS_SIM_SEED',
    kind: 'number',
    schema: z.number().int().min(0),
    default: 1,
    description: 'simulator: seed (the same seed gives the same market, bit for bit)',
  },
  {
    path: 'sim.premium',
    kind: 'number',
    schema: z.number().min(-0.5).max(2),
    default: 0.1,
    description: "simulator: implied vol = the model's expected vol × (1 + premium)",
  },
  {
    path: 'sim.fair',
    kind: 'boolean',
    schema: z.boolean(),
    default: false,
    description: 'simulator: exactly fair market (needs sim.model gbm and sim.premium 0)',
  },
  {
    path: 'calendar.events',
    kind: 'json',
    schema: z.array(calendarEventOverride),
    default: [],
    description: 'FOMC/CPI events to add, replace (same type and date) or remove ({"remove": true})',
  },
  {
    path: 'notifications.telegram.token',
    env: 'ARGUS_TELEGRAM_TOKEN',
    kind: 'string',
    schema: z.string().min(1).nullable(),
    default: null,
    secret: true,
    description: 'Telegram bot token (notifications are on when token and chat id are set)',
  },
  {
    path: 'notifications.telegram.chatId',
    env: 'ARGUS_TELEGRAM_CHAT_ID',
    kind: 'string',
    schema: z.string().min(1).nullable(),
    default: null,
    description: 'Telegram chat id to notify',
  },
  {
    path: 'notifications.telegram.url',
    env: 'ARGUS_TELEGRAM_URL',
    kind: 'string',
    schema: z.url({ protocol: /^https?$/ }),
    default: 'https://api.telegram.org',
    description: 'Telegram Bot API base URL (tests point it at a local server)',
  },
  {
    path: 'notifications.recommendations.dedupMinutes',
    kind: 'number',
    schema: z
      .number()
      .min(0)
      .max(7 * 24 * 60),
    default: 240,
    description: 'the same recommended spread is notified at most once in this many minutes',
  },
  {
    path: 'notifications.recommendations.maxPerHour',
    kind: 'number',
    schema: z.number().int().min(1).max(60),
    default: 4,
    description:
      'at most this many recommendation messages in any rolling hour (the rest are suppressed, and recorded)',
  },
];

export interface ArgusConfig {
  source: 'live' | 'replay' | 'sim';
  logLevel: 'debug' | 'info' | 'warn' | 'error';
  data: { maxQuoteAgeSec: number };
  pricing: { riskFreeRate: number };
  replay: { dailyExpiriesFrom: string | null; ivShift: number };
  calendar: { events: CalendarEventOverride[] };
  sim: { model: 'gbm' | 'heston' | 'heston-jump'; seed: number; premium: number; fair: boolean };
  signal: {
    dte: number;
    shortDelta: number;
    width: number;
    warmthFloor: number;
    ivRankFloor: number;
    minPop: number;
    model: 'gbm' | 'heston' | 'merton' | 'heston-jump';
  };
  farm: {
    capitalUsd: number;
    feePerContractPerLegUsd: number;
    fillF: number;
    maxOpenPositions: number;
    rules: Record<string, unknown>;
    checkpointEvery: number | null;
    checkpointSeconds: number;
    workers: number;
    engine: EngineRequest;
    grid: string | null;
    backtestFrom: string | null;
    backtestTo: string | null;
  };
  notifications: {
    telegram: { token: string | null; chatId: string | null; url: string };
    recommendations: { dedupMinutes: number; maxPerHour: number };
  };
}
