import { readFileSync } from 'node:fs';
import { UsageError } from '../../core/errors.js';
import { type ParsedChain, parseChainCsv } from '../../core/market/chain-fit.js';

const HINT = 'give a Yahoo/yfinance option chain CSV, as in data/options/ (see data/SOURCES.md)';

/** A real option chain export (the CSV format of data/options/), parsed; bad input is a UsageError. */
export function loadChainExport(file: string): ParsedChain {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read chain file ${file}: ${(err as Error).message}`, HINT);
  }
  try {
    return parseChainCsv(text, file);
  } catch (err) {
    throw new UsageError((err as Error).message, HINT);
  }
}
