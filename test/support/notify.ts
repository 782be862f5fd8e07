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

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

interface RunnableCommand {
  run(argv: string[], opts: string): Promise<unknown>;
}

/**
 * Runs a command class in-process (no build needed) with its own environment, capturing stdout.
 * Telegram settings are cleared unless given.
 */
export async function runCommand(
  cmd: RunnableCommand,
  argv: string[],
  env: Record<string, string>,
): Promise<{ result: unknown; out: string; error: unknown }> {
  const saved = { ...process.env };
  delete process.env.ARGUS_TELEGRAM_TOKEN;
  delete process.env.ARGUS_TELEGRAM_CHAT_ID;
  delete process.env.ARGUS_TELEGRAM_URL;
  Object.assign(process.env, env);
  const chunks: string[] = [];
  const write = process.stdout.write;
  process.stdout.write = ((c: string | Uint8Array) => {
    chunks.push(String(c));
    return true;
  }) as typeof process.stdout.write;
  let result: unknown;
  let error: unknown = null;
  try {
    result = await cmd.run(argv, ROOT);
  } catch (e) {
    error = e;
  } finally {
    process.stdout.write = write;
    process.env = saved;
  }
  return { result, out: chunks.join(''), error };
}
