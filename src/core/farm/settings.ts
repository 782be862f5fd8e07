import type { ArgusConfig } from '../config/schema.js';
import { DEFAULT_FILL, FAIR_FILL, type FillParams } from '../fill/fill.js';
import { DEFAULT_RULES, type FarmRules } from './rules.js';

/** The farm's rules and fill model from its config section (flags are already folded in by precedence). */
export function farmSettings(
  f: Readonly<ArgusConfig['farm']>,
  fair = false,
): { rules: FarmRules; fill: FillParams } {
  const rules: FarmRules = {
    ...DEFAULT_RULES,
    ...(f.rules as Partial<FarmRules>),
    capitalUsd: f.capitalUsd,
    feePerContractPerLegUsd: f.feePerContractPerLegUsd,
    maxOpenPositions: f.maxOpenPositions,
  };
  const base = fair ? FAIR_FILL : DEFAULT_FILL;
  return { rules, fill: { ...base, f: f.fillF } };
}
