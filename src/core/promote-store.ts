import type { SignalConfig } from './signal-service.js';
import type { Store } from './store/store.js';

/** The configurations `argus promote` recorded; the recommendation uses them instead of the default. */
export function promotedConfigs(store: Store): SignalConfig[] {
  const has = store.db
    .prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'promotions'")
    .get();
  if (!has) return [];
  const rows = store.db
    .prepare('SELECT trader_id, config_json, run_id FROM promotions WHERE active = 1 ORDER BY rank LIMIT 5')
    .all() as { trader_id: number; config_json: string; run_id: string }[];
  return rows.map((r) => {
    const c = JSON.parse(r.config_json);
    return {
      label: `promoted trader ${r.trader_id} (run ${r.run_id.slice(0, 8)}…)`,
      dte: c.dte,
      shortDelta: c.shortDelta,
      width: c.width,
      warmthFloor: c.warmthFloor,
      ivRankFloor: c.ivRankFloor,
      minPop: 0,
    };
  });
}
