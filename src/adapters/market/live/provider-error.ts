import { ArgusError, ExitCode } from '../../../core/errors.js';

export type ProviderName = 'deribit' | 'bybit' | 'yahoo' | 'cboe';

/** What went wrong, coarse enough to decide on a retry and to test against. */
export type ProviderErrorKind =
  | 'http-status'
  | 'rate-limited'
  | 'timeout'
  | 'connection'
  | 'truncated'
  | 'bad-json'
  | 'schema'
  | 'provider-error'
  | 'implausible'
  | 'handshake';

export interface ProviderErrorInfo {
  provider: ProviderName;
  /** Short endpoint name, e.g. 'public/get_index_price' or 'v8/finance/chart/IBIT'. */
  endpoint: string;
  kind: ProviderErrorKind;
  status?: number;
  /** Dotted path of the offending field for schema errors, e.g. 'result.list[0].lastPrice'. */
  fieldPath?: string;
  attempts?: number;
  cause?: unknown;
}

/**
 * A provider did not give a usable answer. Adapters turn it into a `missing` observation with
 * this message as the reason; it never becomes a number.
 */
export class ProviderError extends ArgusError {
  readonly provider: ProviderName;
  readonly endpoint: string;
  readonly kind: ProviderErrorKind;
  readonly status?: number;
  readonly fieldPath?: string;
  readonly attempts?: number;

  constructor(info: ProviderErrorInfo, detail: string) {
    const tries = info.attempts && info.attempts > 1 ? ` (after ${info.attempts} attempts)` : '';
    super(`${info.provider} ${info.endpoint}: ${detail}${tries}`, {
      exitCode: ExitCode.Data,
      hint: 'the provider may be down or may have changed its format; retry later or use --source replay',
      cause: info.cause,
    });
    this.name = 'ProviderError';
    this.provider = info.provider;
    this.endpoint = info.endpoint;
    this.kind = info.kind;
    this.status = info.status;
    this.fieldPath = info.fieldPath;
    this.attempts = info.attempts;
  }
}

export function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
