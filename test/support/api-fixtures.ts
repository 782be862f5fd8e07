import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const DIR = fileURLToPath(new URL('../fixtures/api/', import.meta.url));

/** A fixture's JSON body. Recorded Yahoo files wrap the body as {request, response:{bodyJson}}: unwrapped here. */
export function apiFixture<T = unknown>(rel: string): T {
  const raw = JSON.parse(readFileSync(DIR + rel, 'utf8')) as unknown;
  const wrapped = raw as { response?: { bodyJson?: unknown } };
  return (wrapped.response?.bodyJson ?? raw) as T;
}

/** A fresh deep copy, for tests that edit a fixture. */
export function apiFixtureCopy<T = unknown>(rel: string): T {
  return structuredClone(apiFixture<T>(rel));
}
