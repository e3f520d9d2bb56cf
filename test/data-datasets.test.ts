import { describe, it, expect } from 'vitest';
import { loadDigits, spirals, blobs, teacher, oneHot, standardize, trainTestSplit } from '../src/index.js';

describe('digits (UCI optical recognition, as scikit-learn ships it)', () => {
  it('has 1,797 8×8 images, digits 0–9 with the known class counts', () => {
    const raw = loadDigits({ scale: 'none' });
    expect(raw.x.shape).toEqual([1797, 64]);
    expect(raw.numClasses).toBe(10);
    const counts = new Array(10).fill(0);
    for (const l of raw.labels!) counts[l]++;
    // Per-class counts of the UCI test set (optdigits.tes).
    expect(counts).toEqual([178, 182, 177, 183, 181, 182, 181, 179, 174, 180]);
    let min = Infinity, max = -Infinity, nonInteger = 0;
    for (const v of raw.x.data) {
      if (!Number.isInteger(v)) nonInteger++;
      min = Math.min(min, v);
      max = Math.max(max, v);
    }
    expect(nonInteger).toBe(0);
    expect([min, max]).toEqual([0, 16]);
    // First image of the file: a zero.
    expect(Array.from(raw.x.data.subarray(0, 8))).toEqual([0, 0, 5, 13, 9, 1, 0, 0]);
    expect(raw.labels![0]).toBe(0);
  });

  it('scales to [0, 1] by default and returns independent copies', () => {
    const a = loadDigits();
    const raw = loadDigits({ scale: 'none' });
    for (let i = 0; i < a.x.data.length; i += 97) expect(a.x.data[i]).toBe(Math.fround(raw.x.data[i] / 16));
    a.x.data[0] = 42;
    expect(loadDigits().x.data[0]).toBe(0);
    expect(() => loadDigits({ scale: 'bogus' as never })).toThrow(TypeError);
  });
});

describe('synthetic datasets', () => {
  it('are deterministic per seed and differ between seeds', () => {
    for (const make of [(s: number) => spirals({ seed: s }), (s: number) => blobs({ seed: s }), (s: number) => teacher({ seed: s })]) {
      const a = make(3), b = make(3), c = make(4);
      expect(a.x.data).toEqual(b.x.data);
      expect(a.labels).toEqual(b.labels);
      expect(a.x.data).not.toEqual(c.x.data);
    }
  });

  it('spirals: two balanced classes on arms of radius ≤ 1 plus noise, point by point on the formula', () => {
    const n = 300, noise = 0.01;
    const ds = spirals({ samplesPerClass: n, noise, seed: 1 });
    expect(ds.x.shape).toEqual([2 * n, 2]);
    expect(ds.labels!.filter((l) => l === 1).length).toBe(n);
    // Every point lies within 6σ of some point of its own arm r·(cos θ, sin θ), θ = 3π·r + cπ.
    for (let i = 0; i < 2 * n; i++) {
      const px = ds.x.data[2 * i], py = ds.x.data[2 * i + 1];
      const c = ds.labels![i];
      let best = Infinity;
      for (let k = 1; k <= n; k++) {
        const r = k / n, th = 3 * Math.PI * r + c * Math.PI;
        best = Math.min(best, Math.hypot(px - r * Math.cos(th), py - r * Math.sin(th)));
      }
      expect(best).toBeLessThan(6 * noise * Math.SQRT2);
    }
  });

  it('blobs: each class has the requested spread', () => {
    const std = 0.5, samples = 3000, classes = 3, features = 4;
    const ds = blobs({ samples, classes, features, std, seed: 9 });
    for (let c = 0; c < classes; c++) {
      const rows = [...ds.labels!.keys()].filter((r) => ds.labels![r] === c);
      expect(rows.length).toBe(samples / classes);
      for (let f = 0; f < features; f++) {
        const v = rows.map((r) => ds.x.data[r * features + f]);
        const m = v.reduce((a, b) => a + b, 0) / v.length;
        const varc = v.reduce((a, b) => a + (b - m) ** 2, 0) / v.length;
        // Sample variance of n normals: sd ≈ σ²·√(2/n); 6 sigma.
        expect(Math.abs(varc - std * std)).toBeLessThan(6 * std * std * Math.sqrt(2 / rows.length));
      }
    }
  });

  it('teacher: class labels are the argmax of the same teacher’s regression outputs', () => {
    const cls = teacher({ samples: 500, outputs: 5, seed: 2 });
    const reg = teacher({ samples: 500, outputs: 5, seed: 2, task: 'regression' });
    expect(reg.targets!.shape).toEqual([500, 5]);
    expect(cls.x.data).toEqual(reg.x.data);
    const counts = new Array(5).fill(0);
    for (let r = 0; r < 500; r++) {
      const row = Array.from(reg.targets!.data.subarray(r * 5, r * 5 + 5));
      expect(cls.labels![r]).toBe(row.indexOf(Math.max(...row)));
      counts[cls.labels![r]]++;
    }
    // A useful teacher uses more than one class.
    expect(counts.filter((c) => c > 0).length).toBeGreaterThan(1);
  });

  it('reject bad options', () => {
    expect(() => spirals({ samplesPerClass: 0 })).toThrow(RangeError);
    expect(() => spirals({ noise: -1 })).toThrow(RangeError);
    expect(() => blobs({ classes: 1.5 })).toThrow(TypeError);
    expect(() => blobs({ seed: -1 })).toThrow(TypeError);
    expect(() => teacher({ hidden: [0] })).toThrow(RangeError);
    expect(() => teacher({ task: 'clustering' as never })).toThrow(TypeError);
  });
});

describe('helpers', () => {
  it('oneHot, standardize and trainTestSplit', () => {
    expect(Array.from(oneHot([2, 0], 3).data)).toEqual([0, 0, 1, 1, 0, 0]);
    expect(() => oneHot([3], 3)).toThrow(RangeError);
    const ds = blobs({ samples: 200, features: 3, seed: 5 });
    const { x } = standardize(ds.x);
    for (let f = 0; f < 3; f++) {
      let m = 0, v = 0;
      for (let r = 0; r < 200; r++) m += x.data[r * 3 + f];
      m /= 200;
      for (let r = 0; r < 200; r++) v += (x.data[r * 3 + f] - m) ** 2;
      expect(Math.abs(m)).toBeLessThan(1e-5);
      expect(Math.abs(v / 200 - 1)).toBeLessThan(1e-4);
    }
    const { train, test } = trainTestSplit(ds, 0.25, 1);
    expect(test.x.shape[0]).toBe(50);
    expect(train.x.shape[0]).toBe(150);
    const key = (d: typeof ds, r: number) => Array.from(d.x.data.subarray(r * 3, r * 3 + 3)).join();
    const all = new Set([...Array(150).keys()].map((r) => key(train, r)).concat([...Array(50).keys()].map((r) => key(test, r))));
    expect(all.size).toBe(200);
  });
});
