import { readFileSync } from 'node:fs';
import { type ChainModel, validateChainModel } from '../../core/market/chain-model.js';
import { bundledFile } from './files.js';

const loaded = new Map<string, ChainModel>();

/** The fitted chain model (data/models/chain-model.json, or `path`), validated and read once per path. */
export function loadChainModel(path: string = bundledFile('models', 'chain-model.json')): ChainModel {
  const hit = loaded.get(path);
  if (hit) return hit;
  const model = validateChainModel(JSON.parse(readFileSync(path, 'utf8')), path);
  loaded.set(path, model);
  return model;
}
