import { readFileSync } from 'node:fs';
import { type SimParams, simParamsFromJson } from '../../core/market/sim-params.js';
import { bundledFile } from './files.js';

const SIM_PARAMS_FILE = 'models/sim-params.json';

let cached: SimParams | null = null;

/** The fitted defaults from data/models/sim-params.json (written by scripts/fit-sim-params.mjs), read once. */
export function loadSimParams(): SimParams {
  cached ??= simParamsFromJson(
    JSON.parse(readFileSync(bundledFile(SIM_PARAMS_FILE), 'utf8')),
    `data/${SIM_PARAMS_FILE}`,
  );
  return cached;
}
