import { Args, Command, Help } from '@oclif/core';
import { suggestCommands } from '../cli/suggest.js';

/** `argus help [COMMAND...]`: the same help as --help, for people who type it first. */
export default class HelpCommand extends Command {
  static override description = 'Show help for argus or for one command';
  static override examples = ['<%= config.bin %> help', '<%= config.bin %> help farm run'];
  static override strict = false;
  static override args = {
    command: Args.string({ required: false, description: 'the command, e.g. farm run' }),
  };

  async run(): Promise<void> {
    const { argv } = await this.parse(HelpCommand);
    const typed = (argv as string[]).join(' ').replaceAll(':', ' ');
    const ids = this.config.commands.filter((c) => !c.hidden).map((c) => c.id.replaceAll(':', ' '));
    const topics = this.config.topics.map((t) => t.name.replaceAll(':', ' '));
    // An unknown command: the nearest ones and exit 2, as for `argus <unknown>` (not oclif's `a:b not found`).
    if (typed && !ids.includes(typed) && !topics.includes(typed)) {
      const near = suggestCommands(typed, ids);
      process.stderr.write(`Error: no help for "${typed}": there is no such command\n`);
      process.stderr.write(
        near.length
          ? `Hint: did you mean \`${this.config.bin} help ${near[0]}\`? (\`${this.config.bin} help\` lists every command)\n`
          : `Hint: \`${this.config.bin} help\` lists every command\n`,
      );
      this.exit(2);
    }
    await new Help(this.config, { all: false }).showHelp(argv as string[]);
  }
}
