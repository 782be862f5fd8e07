import { fileURLToPath } from 'node:url';

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
