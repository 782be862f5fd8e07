// The farm's shard worker run from the TypeScript sources (tests): compile-on-load hooks, then the worker.
import { register } from 'node:module';

register(new URL('./ts-hooks.mjs', import.meta.url));
await import('../../src/adapters/shards/shard-worker.ts');
