/**
 * The UCI optical-recognition handwritten digits (Alpaydin & Kaynak 1998), test part, as
 * scikit-learn distributes it (`sklearn/datasets/data/digits.csv.gz`): 1,797 images of 8×8 pixel
 * counts in 0…16, digit in the last column. CC BY 4.0; attribution in data/README.md.
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Tensor } from '../tensor.js';
import type { Dataset } from './types.js';
import { loadCsv } from './csv.js';

const FILE = 'digits.csv.gz';

function moduleDir(): string {
  // CommonJS builds (and vitest) define __dirname; the ESM build derives it from import.meta.url.
  if (typeof __dirname === 'string') return __dirname;
  return dirname(fileURLToPath(import.meta.url));
}

/** The package's data/ directory: found from src/data/, dist/ or dist/cli/. */
export function dataDir(): string {
  const here = moduleDir();
  for (const up of ['..', '../..', '../../..']) {
    const dir = resolve(here, up, 'data');
    if (existsSync(join(dir, FILE))) return dir;
  }
  throw new Error(`fanin: the bundled data directory (with ${FILE}) was not found above ${here}; is the package installed completely?`);
}

export interface DigitsOptions {
  /** 'unit' (default): pixels / 16 into [0, 1]; 'none': raw counts 0…16. */
  scale?: 'unit' | 'none';
}

let cache: Dataset | undefined;

/** The digits dataset: x [1797, 64], labels 0…9. */
export function loadDigits(options: DigitsOptions = {}): Dataset {
  const scale = options.scale ?? 'unit';
  if (scale !== 'unit' && scale !== 'none') throw new TypeError(`loadDigits: expected scale 'unit' or 'none', got ${JSON.stringify(scale)}`);
  if (!cache) cache = loadCsv(join(dataDir(), FILE), { header: false, labelColumn: -1, name: 'digits' });
  const x = Float32Array.from(cache.x.data, (v) => (scale === 'unit' ? v / 16 : v));
  return { name: 'digits', x: new Tensor(x, [...cache.x.shape]), labels: cache.labels!.slice(), numClasses: 10, targets: null };
}
