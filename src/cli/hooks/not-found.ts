import type { Hook } from '@oclif/core';
import { suggestCommands } from '../suggest.js';

/**
 * An unknown command: one line naming it with spaces as the user typed it, the nearest commands,
 * and exit 2 — not oclif's `farm:runn not found`.
 */
const hook: Hook<'command_not_found'> = async function (opts) {
  const typed = opts.id.replaceAll(':', ' ');
  const ids = opts.config.commands.filter((c) => !c.hidden).map((c) => c.id.replaceAll(':', ' '));
  const near = suggestCommands(typed, ids);
  process.stderr.write(`Error: unknown command "${typed}"\n`);
  process.stderr.write(
    near.length
      ? `Hint: did you mean ${near.map((n) => `\`${opts.config.bin} ${n}\``).join(' or ')}? (\`${opts.config.bin} help\` lists every command)\n`
      : `Hint: \`${opts.config.bin} help\` lists every command\n`,
  );
  this.exit(2);
};

export default hook;
