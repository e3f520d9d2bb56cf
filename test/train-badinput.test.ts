/** Bad input to the training API: each a clear TypeError / RangeError / Error, never a crash or a silent NaN. */
import { beforeAll, describe, expect, it } from 'vitest';
import { Dense, Sequential, callbacks, optimizers, setBackend } from '../src/index.js';
import { trainingBackends } from './helpers/backends.js';

function model(units = 3, activation = 'softmax'): Sequential {
  return new Sequential([new Dense({ units: 4, activation: 'relu', inputShape: [2] }), new Dense({ units, activation })], { seed: 1 });
}

function compiled(loss = 'sparse_categorical_crossentropy', units = 3, activation = 'softmax'): Sequential {
  const m = model(units, activation);
  m.compile({ optimizer: 'sgd', loss });
  return m;
}

const x = [[0, 1], [1, 0], [0.5, 0.5]];
const ids = [0, 1, 2];

describe.each(trainingBackends.map((b) => [b.name, b] as const))('bad input on the %s backend', (_name, backend) => {
  beforeAll(() => {
    setBackend(backend);
  });

  it('x and y with different row counts', async () => {
    await expect(compiled().fit(x, [0, 1], { verbose: 0 })).rejects.toThrow(/x has 3 rows but y has 2/);
    await expect(compiled().evaluate(x, [0, 1])).rejects.toThrow(RangeError);
  });

  it('feature count that does not match the input shape', async () => {
    await expect(compiled().fit([[1, 2, 3]], [0], { verbose: 0 })).rejects.toThrow(/takes 2 input features per row, got 3/);
    await expect(model().predict({ data: new Float32Array(6), shape: [2, 3] })).rejects.toThrow(RangeError);
    await expect(model().predict(new Float32Array(5))).rejects.toThrow(/does not split into rows of 2/);
    await expect(model().predict([[1, 2], [3]])).rejects.toThrow(/row 1/);
  });

  it('labels out of range for the loss', async () => {
    await expect(compiled().fit(x, [0, 1, 3], { verbose: 0 })).rejects.toThrow(/label at row 2 is 3, expected an integer class id in \[0, 2\]/);
    await expect(compiled().fit(x, [0, 1.5, 2], { verbose: 0 })).rejects.toThrow(RangeError);
    await expect(compiled().fit(x, [0, -1, 2], { verbose: 0 })).rejects.toThrow(RangeError);
    const oneHot = [[1, 0, 0], [0, 1, 0], [0, 0, 1]];
    await expect(compiled().fit(x, oneHot, { verbose: 0 })).rejects.toThrow(/one-hot labels use loss 'categorical_crossentropy'/);
    await expect(compiled('categorical_crossentropy').fit(x, ids, { verbose: 0 })).rejects.toThrow(/use loss 'sparse_categorical_crossentropy'/);
    await expect(compiled('categorical_crossentropy').fit(x, [[1, 0, 0], [0, 1, 0], [0, 0.5, 0]], { verbose: 0 })).rejects.toThrow(/row 2 sums to 0.5/);
    await expect(compiled('binary_crossentropy', 1, 'sigmoid').fit(x, [0, 2, 1], { verbose: 0 })).rejects.toThrow(/must lie in \[0, 1\]/);
  });

  it('batchSize ≤ 0 or not an integer, and other bad fit options', async () => {
    for (const batchSize of [0, -1, 1.5, NaN, '4']) {
      await expect(compiled().fit(x, ids, { batchSize: batchSize as number, verbose: 0 })).rejects.toThrow(/batchSize must be an integer ≥ 1/);
    }
    await expect(compiled().fit(x, ids, { epochs: 0, verbose: 0 })).rejects.toThrow(/epochs must be an integer ≥ 1/);
    await expect(compiled().fit(x, ids, { verbose: 3 as 1 })).rejects.toThrow(/verbose must be 0, 1 or 2/);
    await expect(compiled().fit(x, ids, { validationSplit: 1, verbose: 0 })).rejects.toThrow(/validationSplit/);
    await expect(compiled().fit([[0, 1]], [0], { validationSplit: 0.5, verbose: 0 })).rejects.toThrow(/leaves 0 for training and 1 for validation/);
    await expect(compiled().fit(x, ids, { epoch: 3 } as never)).rejects.toThrow(/unknown option 'epoch'/);
    await expect(compiled().fit(x, ids, { verbose: 0, validationData: [x] as never })).rejects.toThrow(/validationData must be \[x, y\]/);
  });

  it('empty data', async () => {
    await expect(compiled().fit([], [], { verbose: 0 })).rejects.toThrow(/empty/);
    await expect(compiled().fit(new Float32Array(0), new Float32Array(0), { verbose: 0 })).rejects.toThrow(/empty/);
    await expect(model().predict({ data: new Float32Array(0), shape: [0, 2] })).rejects.toThrow(/empty/);
  });

  it('NaN or Inf in inputs and targets', async () => {
    await expect(compiled().fit([[0, NaN], [1, 0], [0, 0]], ids, { verbose: 0 })).rejects.toThrow(/row 0, column 1 is NaN/);
    await expect(compiled('mse').fit(x, [[0, 0, Infinity], [0, 0, 0], [0, 0, 0]], { verbose: 0 })).rejects.toThrow(/Infinity/);
    // 1e39 overflows float32 to Infinity: caught after conversion.
    await expect(model().predict([[1e39, 0]])).rejects.toThrow(/Infinity/);
  });

  it('fit and evaluate before compile', async () => {
    await expect(model().fit(x, ids, { verbose: 0 })).rejects.toThrow(/compile the model first/);
    await expect(model().evaluate(x, ids)).rejects.toThrow(/compile the model first/);
  });

  it('a second fit while one is running', async () => {
    const m = compiled();
    const first = m.fit(x, ids, { epochs: 3, verbose: 0 });
    await expect(m.fit(x, ids, { verbose: 0 })).rejects.toThrow(/already fitting/);
    expect(() => m.compile({ optimizer: 'adam', loss: 'mse' })).toThrow(/busy/);
    await first;
    await expect(m.fit(x, ids, { verbose: 0 })).resolves.toBeDefined();
  });

  it('a diverging run stops with an error naming the epoch and batch', async () => {
    const m = new Sequential([new Dense({ units: 1, inputShape: [1] })], { seed: 1 });
    m.compile({ optimizer: optimizers.sgd({ learningRate: 10 }), loss: 'mse' });
    const xs = Array.from({ length: 64 }, (_, i) => [100 + i]);
    const ys = Array.from({ length: 64 }, (_, i) => 1e4 * i);
    await expect(m.fit(xs, ys, { epochs: 50, batchSize: 8, verbose: 0 })).rejects.toThrow(/loss became (NaN|Infinity) at epoch \d+, batch \d+ of 8/);
  });

  it('unknown activation, loss, optimizer and metric list the valid names', () => {
    expect(() => new Dense({ units: 1, activation: 'swish' })).toThrow(/'linear', 'relu', 'leaky_relu', 'elu', 'selu', 'gelu', 'tanh', 'sigmoid', 'softmax'.*got string "swish"/);
    expect(() => model().compile({ optimizer: 'sgd', loss: 'hinge' })).toThrow(/'mean_squared_error'.*'sparse_categorical_crossentropy'.*got string "hinge"/);
    expect(() => model().compile({ optimizer: 'adagrad', loss: 'mse' })).toThrow(/'sgd', 'rmsprop', 'adam', 'adamw'.*got string "adagrad"/);
    expect(() => model().compile({ optimizer: 'sgd', loss: 'mse', metrics: ['f1'] })).toThrow(/'accuracy'.*got string "f1"/);
    expect(() => model().compile({ optimizer: 'sgd', loss: 'sparse_categorical_crossentropy', metrics: ['mse'] })).toThrow(/class-id targets/);
    expect(() => model().compile({ optimizer: 'sgd', loss: 'mse', metrics: ['sparse_categorical_accuracy'] })).toThrow(/needs loss 'sparse_categorical_crossentropy'/);
  });

  it('bad optimizer options', () => {
    expect(() => optimizers.sgd({ learningRate: 0 })).toThrow(/learningRate must be a number in \(0, Infinity\)/);
    expect(() => optimizers.sgd({ momentum: 1 })).toThrow(RangeError);
    expect(() => optimizers.adam({ beta1: -0.1 })).toThrow(RangeError);
    expect(() => optimizers.adamw({ weightDecay: NaN })).toThrow(RangeError);
    expect(() => optimizers.adam({ lr: 0.1 } as never)).toThrow(/unknown option 'lr'/);
    expect(() => optimizers.sgd({ nesterov: 'yes' as never })).toThrow(TypeError);
  });

  it('missing or inconsistent input shape, bad layer configs, bad seeds', () => {
    expect(() => new Sequential([new Dense({ units: 2 })]).compile({ optimizer: 'sgd', loss: 'mse' })).toThrow(/first layer needs its input size/);
    expect(() => new Sequential([new Dense({ units: 2, inputDim: 3 }), new Dense({ units: 2, inputDim: 5 })]).summary(null)).toThrow(/declares 5 inputs/);
    expect(() => new Dense({ units: 0 })).toThrow(/units must be an integer ≥ 1/);
    expect(() => new Dense({ units: 2, inputShape: [2, 2] })).toThrow(/inputShape must be \[features\]/);
    expect(() => new Dense({ unit: 2 } as never)).toThrow(/unknown option 'unit'/);
    expect(() => new Dense({ units: 2, kernelInitializer: 'nope' })).toThrow(/nope/);
    expect(() => new Sequential([], { seed: -1 })).toThrow(/seed/);
    expect(() => new Sequential([], { seed: 1.5 })).toThrow(/seed/);
    expect(() => new Sequential([{} as Dense])).toThrow(/expected a Dense layer/);
  });

  it('a disposed model, and dispose while busy', async () => {
    const m = compiled();
    const running = m.fit(x, ids, { epochs: 2, verbose: 0 });
    expect(() => m.dispose()).toThrow(/busy/);
    await running;
    m.dispose();
    await expect(m.predict(x)).rejects.toThrow(/disposed/);
    expect(() => m.getWeights()).toThrow(/disposed/);
  });

  it('bad early-stopping options', () => {
    expect(() => callbacks.earlyStopping({ patience: -1 })).toThrow(RangeError);
    expect(() => callbacks.earlyStopping({ mode: 'up' as never })).toThrow(TypeError);
    expect(() => callbacks.earlyStopping({ monitor: '' })).toThrow(TypeError);
    expect(() => callbacks.earlyStopping({ patients: 3 } as never)).toThrow(/unknown option 'patients'/);
  });
});
