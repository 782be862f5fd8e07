import { Flags } from '@oclif/core';

/** Flags shared by commands that read market data. */
export const sourceFlags = {
  source: Flags.option({
    options: ['live', 'replay', 'sim'] as const,
    description: 'market data source (default from config: live)',
  })(),
  at: Flags.string({ description: 'as of this instant, ISO 8601 with zone (replay/sim; live answers only the present)' }),
};
