import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { resolveConfig } from '../../src/adapters/config/load.js';
import { Store } from '../../src/adapters/store/store.js';
import type { ArgusConfig } from '../../src/core/config/schema.js';
import { createLogger, type Logger } from '../../src/core/log.js';
import type { Clock } from '../../src/core/time/clock.js';

const FIXTURES = fileURLToPath(new URL('../fixtures/telegram/', import.meta.url));

export function telegramFixture<T = unknown>(name: string): T {
  return JSON.parse(readFileSync(FIXTURES + name, 'utf8')) as T;
}

/** The recorded sendMessage `result` in the Bot API envelope (the shared sample holds only the result). */
export function sendMessageOk(): { ok: true; result: { message_id: number } } {
  return { ok: true, result: telegramFixture('sendMessage-result.recorded.json') };
}

export const telegramErrors = () =>
  telegramFixture<
    Record<'tooManyRequests' | 'tooManyRequestsLong' | 'chatNotFound' | 'botBlocked' | 'unauthorized', object>
  >('errors.derived.json');

export function openStore(path: string, clock: Clock): Store {
  return Store.open(path, clock);
}

/** Effective configuration from an environment, as the CLI builds it. */
export function configFrom(env: Record<string, string>): ArgusConfig {
  return resolveConfig({ file: '/nonexistent/argus-config.json', env }).config;
}

/** A logger that keeps its lines (to check warnings and that no secret is printed). */
export function memoryLogger(): { log: Logger; lines: string[] } {
  const lines: string[] = [];
  return { log: createLogger('debug', (l) => lines.push(l)), lines };
}

/** Every text cell of every table: to prove a secret is stored nowhere. */
export function dumpStore(store: Store): string {
  const tables = store.db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as {
    name: string;
  }[];
  const out: string[] = [];
  for (const { name } of tables) {
    // Table names come from sqlite_master itself, quoted as identifiers.
    const rows = store.db.prepare(`SELECT * FROM "${name.replaceAll('"', '""')}"`).all();
    out.push(JSON.stringify(rows));
  }
  return out.join('\n');
}
