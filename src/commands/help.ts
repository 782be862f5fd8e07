import { Args, Command, Help } from '@oclif/core';

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
    await new Help(this.config, { all: false }).showHelp(argv as string[]);
  }
}
