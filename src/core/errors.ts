/** Exit codes: 1 runtime failure, 2 bad input (usage), 3 data/coverage problem, 4 store problem. */
export const ExitCode = { Runtime: 1, Usage: 2, Data: 3, Store: 4 } as const;

/** An error a user can act on: what went wrong, what to do, and the process exit code. */
export class ArgusError extends Error {
  readonly exitCode: number;
  readonly hint?: string;
  constructor(message: string, opts: { exitCode?: number; hint?: string; cause?: unknown } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'ArgusError';
    this.exitCode = opts.exitCode ?? ExitCode.Runtime;
    this.hint = opts.hint;
  }
}

export class UsageError extends ArgusError {
  constructor(message: string, hint?: string) {
    super(message, { exitCode: ExitCode.Usage, hint });
    this.name = 'UsageError';
  }
}

/** Data outside what a source or calendar covers. Never silently replaced by a default. */
export class CoverageError extends ArgusError {
  constructor(message: string, hint?: string) {
    super(message, { exitCode: ExitCode.Data, hint });
    this.name = 'CoverageError';
  }
}

export class StoreError extends ArgusError {
  constructor(message: string, hint?: string, cause?: unknown) {
    super(message, { exitCode: ExitCode.Store, hint, cause });
    this.name = 'StoreError';
  }
}
