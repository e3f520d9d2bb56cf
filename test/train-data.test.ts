/**
 * Input conversion of fit / evaluate / predict: toMatrixSliced (number[][], number[] and non-float32
 * typed arrays copied in time-bounded slices) gives the same matrix and the same errors as toMatrix,
 * wherever in the data the bad value sits; a Float32Array is used as is; a fit on number[][] equals
 * a fit on the same Float32Array; a second fit started during the first one's conversion fails at once.
 */
import { describe, expect, it } from 'vitest';
import { Dense, Sequential, Tensor, optimizers, setBackend } from '../src/index.js';
import { toMatrix, toMatrixSliced } from '../src/train/data.js';

function rows(n: number, cols: number, seed: number): number[][] {
  let s = seed >>> 0;
  const next = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32) * 2 - 1;
  return Array.from({ length: n }, () => Array.from({ length: cols }, next));
}

const bits = (a: Float32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

describe('toMatrixSliced', () => {
  const nested = rows(3000, 40, 1);
  const flat = nested.flat();
  const f32 = Float32Array.from(flat);
  const inputs: [string, unknown][] = [
    ['number[][]', nested],
    ['flat number[]', flat],
    ['Float64Array', Float64Array.from(flat)],
    ['Int32Array', Int32Array.from(flat, (v) => Math.round(v * 1000))],
    ['Tensor over number[]', { data: flat, shape: [3000, 40] }],
    ['{ data: Float64Array, shape }', { data: Float64Array.from(flat), shape: [3000, 4, 10] }],
    ['Float32Array', f32],
    ['Tensor', new Tensor(f32, [3000, 40])],
  ];

  it.each(inputs)('%s: the same matrix as toMatrix, bit for bit', async (_name, value) => {
    const want = toMatrix(value, 'x', 40, false);
    const got = await toMatrixSliced(value, 'x', 40);
    expect({ rows: got.rows, cols: got.cols }).toEqual({ rows: want.rows, cols: want.cols });
    expect(bits(got.data).equals(bits(want.data))).toBe(true);
  });

  it('uses a Float32Array as is (no copy)', async () => {
    expect((await toMatrixSliced(f32, 'x', 40)).data).toBe(f32);
  });

  const ragged = rows(3000, 40, 2);
  ragged[2711] = ragged[2711].slice(0, 39);
  const wrongType = rows(3000, 40, 3);
  (wrongType[2999] as unknown[])[17] = '0.5';
  const flatWrong: unknown[] = rows(3000, 40, 4).flat();
  flatWrong[100_001] = null;
  const bad: [string, unknown][] = [
    ['a short row late in the data', ragged],
    ['a string in the last row', wrongType],
    ['null in a flat number[]', flatWrong],
    ['a flat array that does not split into rows', new Float64Array(81)],
    ['an empty matrix', []],
    ['a shape with a fraction', { data: new Float32Array(4), shape: [2, 1.5] }],
    ['data that does not fill the shape', { data: [1, 2, 3], shape: [2, 2] }],
    ['a string', 'x'],
  ];
  it.each(bad)('%s: the same error as toMatrix', async (_name, value) => {
    let want: unknown;
    try {
      toMatrix(value, 'fit: x', 40, false);
    } catch (e) {
      want = e;
    }
    expect(want).toBeInstanceOf(Error);
    const err = await toMatrixSliced(value, 'fit: x', 40).then(() => null, (e: unknown) => e);
    expect(err).toBeInstanceOf((want as Error).constructor);
    expect((err as Error).message).toBe((want as Error).message);
  });
});

describe('fit on number[][]', () => {
  function model() {
    const m = new Sequential([new Dense({ units: 16, activation: 'tanh', inputDim: 40 }), new Dense({ units: 3, activation: 'softmax' })], { seed: 5 });
    m.compile({ optimizer: optimizers.adam({ learningRate: 0.01 }), loss: 'sparse_categorical_crossentropy' });
    return m;
  }
  const x = rows(600, 40, 9);
  const labels = x.map((r) => (r[0] > 0.3 ? 2 : r[1] > 0 ? 1 : 0));

  it('trains exactly as on the same Float32Array (reference backend)', async () => {
    setBackend('reference');
    try {
      const a = model();
      const b = model();
      const ha = await a.fit(x, labels, { epochs: 2, batchSize: 32, verbose: 0, validationSplit: 0.2 });
      const hb = await b.fit(new Tensor(Float32Array.from(x.flat()), [600, 40]), Int32Array.from(labels), { epochs: 2, batchSize: 32, verbose: 0, validationSplit: 0.2 });
      expect(ha.history).toEqual(hb.history);
      const wa = a.getWeights();
      const wb = b.getWeights();
      wa.forEach((w, i) => expect(bits(w.data).equals(bits(wb[i].data))).toBe(true));
    } finally {
      setBackend('auto');
    }
  });

  it('a second fit started while the first converts its input is refused at once', async () => {
    setBackend('reference');
    try {
      const m = model();
      const first = m.fit(x, labels, { epochs: 1, batchSize: 64, verbose: 0 });
      await expect(m.fit(x, labels, { epochs: 1, verbose: 0 })).rejects.toThrow(/already fitting/);
      await expect(first).resolves.toBeDefined();
    } finally {
      setBackend('auto');
    }
  });
});
