/**
 * The lesson, measured (issue 4). Statistics at initialisation are measured on 64 digits rows; the
 * bounds come from the theory in src/diagnostics/study.ts, with margins far wider than the sampling
 * noise of 64 × width values.
 */
import { describe, it, expect, beforeAll } from 'vitest';
import { study, setBackend, type StudyRun } from '../src/index.js';
import { trainingBackends } from './helpers/backends.js';

beforeAll(() => {
  // Native once its network and fills exist (fast), else the reference.
  setBackend(trainingBackends[trainingBackends.length - 1]);
});

const ratio = (r: StudyRun, depth: number) => r.activationStd[depth - 1] / r.activationStd[0];

describe('study: the lesson in numbers', () => {
  it('zeros: one distinct unit per hidden layer after training, and only the output bias moves', async () => {
    const res = await study({
      nets: [
        { depth: 4, width: 16, activation: 'relu' },
        { depth: 4, width: 16, activation: 'tanh' },
      ],
      inits: ['zeros'],
      epochs: 2,
      quick: true,
      statsRows: 64,
    });
    for (const net of res.nets) {
      const run = net.runs[0];
      expect(run.diverged).toBeNull();
      expect(run.after!.distinctUnits.slice(0, 4)).toEqual([1, 1, 1, 1]);
      // Parameters: kernel, bias per layer; the output layer's bias is the last one.
      const moved = run.paramChange.map((c) => c > 0);
      expect(moved).toEqual([...new Array(2 * 4 + 1).fill(false), true]);
      // The output bias learned the class priors: the loss fell below ln 10 ...
      expect(run.loss[run.loss.length - 1]).toBeLessThan(Math.log(10));
      // ... but not much, since nothing else can learn (the priors of digits are nearly uniform).
      expect(run.loss[run.loss.length - 1]).toBeGreaterThan(Math.log(10) - 0.05);
    }
  });

  it('random_normal(0.01), 10-layer tanh: the signal vanishes (last/first activation std < 1e-4)', async () => {
    const res = await study({ nets: [{ depth: 10, width: 256, activation: 'tanh' }], inits: ['random_normal'], epochs: 0, statsRows: 64 });
    const run = res.nets[0].runs[0];
    // Theory: std × √(256·1e-4) = 0.16 per layer, 0.16⁹ ≈ 7e-8.
    expect(ratio(run, 10)).toBeGreaterThan(0);
    expect(ratio(run, 10)).toBeLessThan(1e-4);
  });

  it('30-layer ReLU: Glorot halves the variance per layer (ratio within 10× of 2^−14.5), He keeps it', async () => {
    const res = await study({ nets: [{ depth: 30, width: 256, activation: 'relu' }], inits: ['glorot_uniform', 'he_normal'], epochs: 0, statsRows: 64 });
    const [glorot, he] = res.nets[0].runs;
    const theory = 2 ** -14.5;
    expect(ratio(glorot, 30)).toBeGreaterThan(theory / 10);
    expect(ratio(glorot, 30)).toBeLessThan(theory * 10);
    expect(ratio(he, 30)).toBeGreaterThanOrEqual(0.3);
    expect(ratio(he, 30)).toBeLessThanOrEqual(3);
  });

  it('30-layer ReLU trained the same epochs: He learns while Glorot stalls at ln 10', async () => {
    const res = await study({ nets: [{ depth: 30, width: 32, activation: 'relu' }], inits: ['glorot_uniform', 'he_normal'], epochs: 8, quick: true, statsRows: 64 });
    const [glorot, he] = res.nets[0].runs;
    expect(glorot.diverged).toBeNull();
    expect(he.diverged).toBeNull();
    const last = (r: StudyRun) => r.loss[r.loss.length - 1];
    expect(Math.abs(last(glorot) - Math.log(10))).toBeLessThan(0.05);
    expect(last(he)).toBeLessThan(last(glorot) - 0.3);
    expect(he.accuracy!).toBeGreaterThan(glorot.accuracy! + 0.1);
  });

  it('10-layer tanh: Glorot keeps the scale (ratio > 0.2), U(±1/√fanIn) decays geometrically (< 0.02)', async () => {
    const res = await study({ nets: [{ depth: 10, width: 256, activation: 'tanh' }], inits: ['glorot_uniform', 'torch_default'], epochs: 0, statsRows: 64 });
    const [glorot, torch] = res.nets[0].runs;
    expect(ratio(glorot, 10)).toBeGreaterThan(0.2);
    // Theory: variance × 1/3 per layer in tanh's linear range, std ratio 3^−4.5 ≈ 0.007.
    expect(ratio(torch, 10)).toBeLessThan(0.02);
  });

  it('lsuv: every layer’s output variance ends within the tolerance of 1', async () => {
    const res = await study({
      nets: [
        { depth: 12, width: 48, activation: 'relu' },
        { depth: 8, width: 48, activation: 'tanh' },
      ],
      inits: ['lsuv'],
      epochs: 0,
      statsRows: 128,
    });
    for (const net of res.nets) {
      const run = net.runs[0];
      expect(run.lsuv!.length).toBe(net.depth + 1);
      for (const l of run.lsuv!) {
        expect(l.converged).toBe(true);
        expect(Math.abs(l.variance - 1)).toBeLessThan(0.1);
      }
      // Measured independently after LSUV, on the same batch: Var(Z) = preActivationStd².
      for (const s of run.preActivationStd) expect(Math.abs(s * s - 1)).toBeLessThan(0.1);
    }
  });

  it('rejects bad options with clear errors', async () => {
    await expect(study({ inits: ['he_normal', 'bogus'] })).rejects.toThrow(/unknown initializer 'bogus'/);
    await expect(study({ depth: 0 })).rejects.toThrow(RangeError);
    await expect(study({ epochs: -1 })).rejects.toThrow(RangeError);
    await expect(study({ learningRate: 0 })).rejects.toThrow(/learningRate/);
    await expect(study({ optimizer: 'lbfgs' as never })).rejects.toThrow(/optimizer/);
    await expect(study({ dataset: 'mnist' as never })).rejects.toThrow(/dataset/);
    await expect(study({ activation: 'swish' as never })).rejects.toThrow(/activation/);
    await expect(study({ inits: ['zeros', 'zeros'] })).rejects.toThrow(/repeat/);
    await expect(study({ bogus: 1 } as never)).rejects.toThrow(/unknown option 'bogus'/);
  });
});
