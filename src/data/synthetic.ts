/** Seeded synthetic datasets. Rows are shuffled (with the same seed) so a trailing validation split sees every class. */
import { Tensor } from '../tensor.js';
import type { Dataset } from './types.js';
import { DataStream } from './random.js';
import { intOption, numOption, takeRows, toSeed } from './util.js';

export interface SpiralsOptions {
  /** Points per spiral (default 200). */
  samplesPerClass?: number;
  /** Full turns of each spiral (default 1.5). */
  turns?: number;
  /** Std of the Gaussian noise added to each coordinate (default 0.05; the spirals have radius 1). */
  noise?: number;
  seed?: number | bigint;
}

/**
 * Two interleaved spirals (Lang & Witbrock 1988), labels 0 and 1: point i of spiral c lies at radius
 * r = (i + 1)/n and angle θ = 2π·turns·r + c·π, plus N(0, noise²) on each coordinate.
 */
export function spirals(options: SpiralsOptions = {}): Dataset {
  const n = intOption(options.samplesPerClass ?? 200, 'samplesPerClass', 'spirals', 1, 10_000_000);
  const turns = numOption(options.turns ?? 1.5, 'turns', 'spirals', 0, 100);
  const noise = numOption(options.noise ?? 0.05, 'noise', 'spirals', 0);
  const rng = new DataStream(toSeed(options.seed ?? 0, 'spirals'), 1);
  const x = new Float32Array(2 * n * 2);
  const labels = new Int32Array(2 * n);
  for (let c = 0; c < 2; c++) {
    for (let i = 0; i < n; i++) {
      const r = (i + 1) / n;
      const theta = 2 * Math.PI * turns * r + c * Math.PI;
      const row = c * n + i;
      x[2 * row] = r * Math.cos(theta) + noise * rng.normal();
      x[2 * row + 1] = r * Math.sin(theta) + noise * rng.normal();
      labels[row] = c;
    }
  }
  const ds: Dataset = { name: 'spirals', x: new Tensor(x, [2 * n, 2]), labels, numClasses: 2, targets: null };
  return takeRows(ds, rng.permutation(2 * n));
}

export interface BlobsOptions {
  /** Total samples, spread evenly over the classes (default 600). */
  samples?: number;
  classes?: number;
  features?: number;
  /** Std of each blob (default 1). */
  std?: number;
  /** Centres are uniform in [−centerBox, centerBox]^features (default 5). */
  centerBox?: number;
  seed?: number | bigint;
}

/** Isotropic Gaussian blobs: class c's samples are centre_c + std·N(0, I). */
export function blobs(options: BlobsOptions = {}): Dataset {
  const samples = intOption(options.samples ?? 600, 'samples', 'blobs', 1, 10_000_000);
  const classes = intOption(options.classes ?? 3, 'classes', 'blobs', 1, 65_536);
  const features = intOption(options.features ?? 2, 'features', 'blobs', 1, 1_000_000);
  const std = numOption(options.std ?? 1, 'std', 'blobs', 0);
  const box = numOption(options.centerBox ?? 5, 'centerBox', 'blobs', 0);
  if (samples * features > 2 ** 31 - 1) throw new RangeError(`blobs: ${samples} × ${features} values exceed the tensor size limit`);
  const rng = new DataStream(toSeed(options.seed ?? 0, 'blobs'), 2);
  const centers = new Float64Array(classes * features);
  for (let i = 0; i < centers.length; i++) centers[i] = (2 * rng.uniform() - 1) * box;
  const x = new Float32Array(samples * features);
  const labels = new Int32Array(samples);
  for (let r = 0; r < samples; r++) {
    const c = r % classes;
    labels[r] = c;
    for (let f = 0; f < features; f++) x[r * features + f] = centers[c * features + f] + std * rng.normal();
  }
  const ds: Dataset = { name: 'blobs', x: new Tensor(x, [samples, features]), labels, numClasses: classes, targets: null };
  return takeRows(ds, rng.permutation(samples));
}

export interface TeacherOptions {
  samples?: number;
  features?: number;
  /** Widths of the teacher's hidden tanh layers (default [32]). */
  hidden?: number[];
  /** Output units: classes (classification) or targets (regression). Default 4. */
  outputs?: number;
  /** 'classification': label = argmax of the teacher's outputs; 'regression': the outputs themselves. */
  task?: 'classification' | 'regression';
  seed?: number | bigint;
}

/**
 * Labels made by a random teacher network: x ~ N(0, I); tanh hidden layers and a linear output layer
 * with weights N(0, 1/fanIn) (LeCun scaling keeps the teacher's units in tanh's responsive range), so a
 * student of at least the teacher's size can fit the data exactly.
 */
export function teacher(options: TeacherOptions = {}): Dataset {
  const samples = intOption(options.samples ?? 1000, 'samples', 'teacher', 1, 10_000_000);
  const features = intOption(options.features ?? 16, 'features', 'teacher', 1, 100_000);
  const hidden = options.hidden ?? [32];
  if (!Array.isArray(hidden)) throw new TypeError(`teacher: expected hidden to be an array of layer widths`);
  hidden.forEach((h, i) => intOption(h, `hidden[${i}]`, 'teacher', 1, 100_000));
  const outputs = intOption(options.outputs ?? 4, 'outputs', 'teacher', 1, 100_000);
  const task = options.task ?? 'classification';
  if (task !== 'classification' && task !== 'regression') {
    throw new TypeError(`teacher: expected task 'classification' or 'regression', got ${JSON.stringify(task)}`);
  }
  if (task === 'classification' && outputs < 2) throw new RangeError(`teacher: classification needs outputs ≥ 2, got ${outputs}`);
  const rng = new DataStream(toSeed(options.seed ?? 0, 'teacher'), 3);
  const widths = [features, ...hidden, outputs];
  const weights: Float64Array[] = [];
  const biases: Float64Array[] = [];
  for (let l = 0; l + 1 < widths.length; l++) {
    const w = new Float64Array(widths[l] * widths[l + 1]);
    const s = 1 / Math.sqrt(widths[l]);
    for (let i = 0; i < w.length; i++) w[i] = s * rng.normal();
    const b = new Float64Array(widths[l + 1]);
    for (let i = 0; i < b.length; i++) b[i] = 0.1 * rng.normal();
    weights.push(w);
    biases.push(b);
  }
  const x = new Float32Array(samples * features);
  for (let i = 0; i < x.length; i++) x[i] = rng.normal();
  const y = new Float32Array(samples * outputs);
  const labels = new Int32Array(samples);
  for (let r = 0; r < samples; r++) {
    let a = Float64Array.from(x.subarray(r * features, (r + 1) * features));
    for (let l = 0; l < weights.length; l++) {
      const nin = widths[l];
      const nout = widths[l + 1];
      const z = Float64Array.from(biases[l]);
      for (let i = 0; i < nin; i++) for (let j = 0; j < nout; j++) z[j] += a[i] * weights[l][i * nout + j];
      if (l + 1 < weights.length) for (let j = 0; j < nout; j++) z[j] = Math.tanh(z[j]);
      a = z;
    }
    let best = 0;
    for (let j = 0; j < outputs; j++) {
      y[r * outputs + j] = a[j];
      if (a[j] > a[best]) best = j;
    }
    labels[r] = best;
  }
  const xs = new Tensor(x, [samples, features]);
  return task === 'classification'
    ? { name: 'teacher', x: xs, labels, numClasses: outputs, targets: null }
    : { name: 'teacher', x: xs, labels: null, numClasses: 0, targets: new Tensor(y, [samples, outputs]) };
}
