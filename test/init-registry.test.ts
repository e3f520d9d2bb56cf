/** Names, configs, seeds, fans, gains and bad input of the initializer API. */
import { describe, expect, it } from 'vitest';
import {
  calculateGain, computeFans, getInitializer, initializers, INITIALIZER_NAMES, setBackend, type Initializer,
} from '../src/index.js';

setBackend('reference');

const camel = (s: string) => s.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
const pascal = (s: string) => camel(s).replace(/^./, (c) => c.toUpperCase());
/** Options each scheme needs to be constructible (sparse has no default sparsity, as in PyTorch). */
const needs: Record<string, Record<string, unknown>> = { sparse: { sparsity: 0.25 } };

describe('computeFans (Keras rules)', () => {
  it.each([
    [[], 1, 1],
    [[7], 7, 7],
    [[784, 256], 784, 256],
    [[3, 5, 16, 32], 3 * 5 * 16, 3 * 5 * 32],
    [[2, 3, 4, 5, 6], 2 * 3 * 4 * 5, 2 * 3 * 4 * 6],
    [[0, 4], 0, 4],
  ])('%j → fanIn %d, fanOut %d', (shape, fanIn, fanOut) => {
    expect(computeFans(shape)).toEqual({ fanIn, fanOut });
  });
  it('rejects bad shapes', () => {
    expect(() => computeFans([2, -1])).toThrow(RangeError);
    expect(() => computeFans([2.5])).toThrow(RangeError);
    expect(() => computeFans('3' as unknown as number[])).toThrow(TypeError);
  });
});

describe('calculateGain (PyTorch table)', () => {
  it.each([
    ['linear', undefined, 1], ['conv1d', undefined, 1], ['conv2d', undefined, 1], ['conv3d', undefined, 1],
    ['conv_transpose1d', undefined, 1], ['conv_transpose2d', undefined, 1], ['conv_transpose3d', undefined, 1],
    ['sigmoid', undefined, 1], ['tanh', undefined, 5 / 3], ['relu', undefined, Math.sqrt(2)],
    ['leaky_relu', undefined, Math.sqrt(2 / (1 + 0.01 ** 2))], ['leaky_relu', 0.2, Math.sqrt(2 / 1.04)],
    ['leaky_relu', 0, Math.sqrt(2)], ['selu', undefined, 0.75],
  ] as const)('%s (param %s) → %d', (name, param, gain) => {
    expect(calculateGain(name, param)).toBeCloseTo(gain, 15);
  });
  it('unknown names list the valid ones', () => {
    expect(() => calculateGain('swish')).toThrow(/swish.*linear.*leaky_relu.*selu/);
    expect(() => calculateGain('leaky_relu', 'x' as unknown as number)).toThrow(TypeError);
  });
});

describe('getInitializer', () => {
  it.each(INITIALIZER_NAMES)('%s resolves from snake_case, camelCase and ClassName, and its config round-trips', (name) => {
    const opts = { ...needs[name] };
    const a = getInitializer(name, opts);
    const b = getInitializer(camel(name), opts);
    const c = getInitializer(a.className, opts);
    expect(b.className).toBe(a.className);
    expect(c.className).toBe(a.className);
    expect(a.className).toBe(pascal(name));
    const config = a.getConfig();
    expect(config.className).toBe(a.className);
    const again = getInitializer(config);
    expect(again.getConfig()).toEqual(config);
    const viaFactory = (initializers as Record<string, (o?: object) => Initializer>)[camel(name)](opts);
    expect(viaFactory.getConfig()).toEqual(config);
  });

  it('Keras config keys and defaults', () => {
    const cfg = (n: string, o?: Record<string, unknown>) => getInitializer(n, o).getConfig();
    expect(cfg('he_normal', { seed: 42 })).toEqual({ className: 'HeNormal', config: { seed: 42 } });
    expect(cfg('glorot_uniform')).toEqual({ className: 'GlorotUniform', config: { seed: null } });
    expect(cfg('zeros')).toEqual({ className: 'Zeros', config: {} });
    expect(cfg('constant', { value: 3 })).toEqual({ className: 'Constant', config: { value: 3 } });
    expect(cfg('random_normal')).toEqual({ className: 'RandomNormal', config: { mean: 0, stddev: 0.05, seed: null } });
    expect(cfg('random_uniform')).toEqual({ className: 'RandomUniform', config: { minval: -0.05, maxval: 0.05, seed: null } });
    expect(cfg('truncated_normal')).toEqual({ className: 'TruncatedNormal', config: { mean: 0, stddev: 0.05, seed: null } });
    expect(cfg('variance_scaling')).toEqual({
      className: 'VarianceScaling', config: { scale: 1, mode: 'fan_in', distribution: 'truncated_normal', seed: null },
    });
    expect(cfg('variance_scaling', { distribution: 'normal' }).config.distribution).toBe('truncated_normal');
    expect(cfg('orthogonal')).toEqual({ className: 'Orthogonal', config: { gain: 1, seed: null } });
    expect(cfg('identity')).toEqual({ className: 'Identity', config: { gain: 1 } });
    expect(cfg('kaiming_normal')).toEqual({ className: 'KaimingNormal', config: { a: 0, mode: 'fan_in', nonlinearity: 'leaky_relu', seed: null } });
    expect(cfg('xavier_uniform')).toEqual({ className: 'XavierUniform', config: { gain: 1, seed: null } });
    expect(cfg('trunc_normal')).toEqual({ className: 'TruncNormal', config: { mean: 0, std: 1, a: -2, b: 2, seed: null } });
    expect(cfg('torch_default', { seed: 1n })).toEqual({ className: 'TorchDefault', config: { seed: 1n } });
    expect(cfg('sparse', { sparsity: 0.1 })).toEqual({ className: 'Sparse', config: { sparsity: 0.1, std: 0.01, seed: null } });
    // tfjs once turned minval 0 into −0.05; a given 0 must stay 0.
    expect(cfg('random_uniform', { minval: 0 }).config.minval).toBe(0);
  });

  it('Keras aliases and a { className, config } object with options overriding it', () => {
    expect(getInitializer('normal').className).toBe('RandomNormal');
    expect(getInitializer('uniform').className).toBe('RandomUniform');
    expect(getInitializer('one').className).toBe('Ones');
    expect(getInitializer('zero').className).toBe('Zeros');
    expect(getInitializer('OrthogonalInitializer').className).toBe('Orthogonal');
    expect(getInitializer('IdentityInitializer').className).toBe('Identity');
    const init = getInitializer({ className: 'HeNormal', config: { seed: 42 } }, { seed: 7 });
    expect(init.getConfig()).toEqual({ className: 'HeNormal', config: { seed: 7 } });
    const same = initializers.heNormal({ seed: 1 });
    expect(getInitializer(same)).toBe(same);
  });

  it('a seeded initializer repeats itself; an unseeded one does not; a context seed and stream are honoured', () => {
    const seeded = getInitializer('he_normal', { seed: 42 });
    expect(seeded.sample([30, 20]).data).toEqual(seeded.sample([30, 20]).data);
    expect(getInitializer('heNormal', { seed: 42 }).sample([30, 20]).data).toEqual(seeded.sample([30, 20]).data);
    expect(getInitializer('he_normal', { seed: 42n }).sample([30, 20]).data).toEqual(seeded.sample([30, 20]).data);
    const unseeded = getInitializer('he_normal');
    expect(unseeded.sample([30, 20]).data).not.toEqual(unseeded.sample([30, 20]).data);
    const ctx = { seed: 9n, stream: 3 };
    expect(unseeded.sample([30, 20], ctx).data).toEqual(unseeded.sample([30, 20], ctx).data);
    expect(unseeded.sample([30, 20], ctx).data).not.toEqual(unseeded.sample([30, 20], { seed: 9n, stream: 4 }).data);
    // The initializer's own seed wins over the context's.
    expect(seeded.sample([30, 20], { seed: 9n }).data).toEqual(seeded.sample([30, 20]).data);
  });

  it('fill writes in place and checks the buffer', () => {
    const init = getInitializer('glorot_uniform', { seed: 3 });
    const out = new Float32Array(12);
    init.fill(out, [3, 4]);
    expect(out).toEqual(init.sample([3, 4]).data);
    expect(() => init.fill(new Float32Array(11), [3, 4])).toThrow(RangeError);
    expect(() => init.fill(new Float64Array(12) as unknown as Float32Array, [3, 4])).toThrow(TypeError);
    const t = init.sample([3, 4]);
    expect(t.shape).toEqual([3, 4]);
  });
});

describe('bad input: clear TypeError / RangeError, never a hang', () => {
  it('unknown names list the valid names', () => {
    expect(() => getInitializer('he_norml')).toThrow(/he_norml.*glorot_uniform.*he_normal.*orthogonal/);
    expect(() => getInitializer({ className: 'Nope', config: {} })).toThrow(RangeError);
    expect(() => getInitializer(42 as unknown as string)).toThrow(TypeError);
    expect(() => getInitializer({ config: {} } as never)).toThrow(TypeError);
  });

  it('unknown option keys are rejected (a typo is not a silent default)', () => {
    expect(() => getInitializer('random_normal', { stdev: 1 })).toThrow(/stdev.*mean.*stddev.*seed/);
    expect(() => initializers.heNormal({ sed: 1 } as never)).toThrow(TypeError);
  });

  it.each([
    [[-1, 3]], [[2.5, 3]], [[NaN, 3]], [[Infinity, 3]], [[2 ** 31, 2]], [[1e20, 1]], [[65536, 65536]],
  ])('shape %j', (shape) => {
    for (const name of ['he_normal', 'zeros', 'orthogonal', 'glorot_uniform', 'identity']) {
      expect(() => getInitializer(name).sample(shape as number[])).toThrow(RangeError);
      expect(() => getInitializer(name).fill(new Float32Array(3), shape as number[])).toThrow(RangeError);
    }
  });

  it('shape that is not an array of numbers', () => {
    expect(() => getInitializer('he_normal').sample('3x4' as unknown as number[])).toThrow(TypeError);
    expect(() => getInitializer('he_normal').sample(['3', 4] as unknown as number[])).toThrow(TypeError);
  });

  it('rank requirements: identity and sparse 2-D only, orthogonal rank ≥ 2', () => {
    expect(() => getInitializer('identity').sample([3, 3, 3])).toThrow(/2-D/);
    expect(() => getInitializer('identity').sample([3])).toThrow(RangeError);
    expect(() => getInitializer('sparse', { sparsity: 0.1 }).sample([3, 3, 3])).toThrow(RangeError);
    expect(() => getInitializer('orthogonal').sample([5])).toThrow(RangeError);
  });

  it('bad options', () => {
    expect(() => getInitializer('variance_scaling', { mode: 'fan_mid' })).toThrow(/fan_in.*fan_out.*fan_avg/);
    expect(() => getInitializer('variance_scaling', { distribution: 'cauchy' })).toThrow(RangeError);
    expect(() => getInitializer('variance_scaling', { scale: 0 })).toThrow(RangeError);
    expect(() => getInitializer('variance_scaling', { scale: -1 })).toThrow(RangeError);
    expect(() => getInitializer('random_normal', { stddev: -0.1 })).toThrow(RangeError);
    expect(() => getInitializer('truncated_normal', { stddev: -0.1 })).toThrow(RangeError);
    expect(() => getInitializer('random_normal', { mean: NaN })).toThrow(RangeError);
    expect(() => getInitializer('random_normal', { mean: '0' })).toThrow(TypeError);
    expect(() => getInitializer('random_uniform', { minval: 1, maxval: 0 })).toThrow(/minval ≤ maxval/);
    expect(() => getInitializer('sparse', { sparsity: 1.5 })).toThrow(RangeError);
    expect(() => getInitializer('sparse', { sparsity: -0.1 })).toThrow(RangeError);
    expect(() => getInitializer('sparse')).toThrow(/sparsity/);
    expect(() => getInitializer('kaiming_normal', { mode: 'fan_avg' })).toThrow(RangeError);
    expect(() => getInitializer('kaiming_normal', { nonlinearity: 'swish' })).toThrow(/leaky_relu/);
    expect(() => getInitializer('trunc_normal', { a: 2, b: -2 })).toThrow(RangeError);
    expect(() => getInitializer('trunc_normal', { std: 0 })).toThrow(RangeError);
    expect(() => getInitializer('trunc_normal', { a: 10, b: 20 })).toThrow(RangeError);
    expect(() => getInitializer('xavier_normal', { gain: -1 })).toThrow(RangeError);
    expect(() => getInitializer('constant', { value: Infinity })).toThrow(RangeError);
  });

  it.each([[1.5], [-1], [2 ** 53], [NaN], ['42'], [-1n], [2n ** 64n], [{}]])('seed %s', (seed) => {
    expect(() => getInitializer('he_normal', { seed })).toThrow(typeof seed === 'number' || typeof seed === 'bigint' ? RangeError : TypeError);
  });

  it('bad fill context', () => {
    const init = getInitializer('he_normal');
    expect(() => init.sample([2, 2], { seed: 1 as unknown as bigint })).toThrow(TypeError);
    expect(() => init.sample([2, 2], { seed: -1n })).toThrow(RangeError);
    expect(() => init.sample([2, 2], { stream: 2 ** 32 })).toThrow(RangeError);
  });
});
