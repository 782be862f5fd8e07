export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
const ORDER: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3 };

export interface Logger {
  debug(msg: string): void;
  info(msg: string): void;
  warn(msg: string): void;
  error(msg: string): void;
}

/** A levelled logger over `write` (the composition root, cli/context.ts, points it at stderr). */
export function createLogger(level: LogLevel, write: (line: string) => void): Logger {
  const at = ORDER[level];
  const emit = (l: LogLevel, msg: string) => {
    if (ORDER[l] >= at) write(`[${l}] ${msg}\n`);
  };
  return {
    debug: (m) => emit('debug', m),
    info: (m) => emit('info', m),
    warn: (m) => emit('warn', m),
    error: (m) => emit('error', m),
  };
}
