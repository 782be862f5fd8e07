import type { ConfigReport } from '../core/config/report.js';
import type { Deps } from './deps.js';

export type ConfigShowDeps = Pick<Deps, 'configReport'>;

/** `argus config show`: every effective setting with its origin (secrets masked), the file and the database. */
export function configShow(deps: ConfigShowDeps): ConfigReport {
  return deps.configReport();
}
