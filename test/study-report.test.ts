import { describe, it, expect } from 'vitest';
import { lineChart, niceTicks, escapeXml } from '../src/cli/svg.js';
import { formatStudy, studyHtml, summarize, fmtNum } from '../src/cli/report.js';
import type { StudyResult, StudyRun } from '../src/index.js';

function run(name: string, over: Partial<StudyRun> = {}): StudyRun {
  return {
    name,
    activationStd: [1, 0.5, 0.25, 0.1],
    preActivationStd: [1, 1, 1, 1],
    gradNorm: [0.1, 0.2, 0.4, 1],
    deadFraction: [0.25, 0, 0.5, 0],
    distinctUnits: [4, 4, 4, 10],
    loss: [2.3, 1.5, 1.0],
    accuracy: 0.75,
    diverged: null,
    after: { activationStd: [1, 1, 1, 1], deadFraction: [0, 0, 0, 0], distinctUnits: [4, 3, 4, 10] },
    paramChange: [1, 1, 1, 1, 1, 1, 1, 1],
    seconds: 1,
    ...over,
  };
}

const result: StudyResult = {
  dataset: { name: 'digits', trainRows: 100, testRows: 20, features: 64, classes: 10 },
  settings: { epochs: 3, batchSize: 8, learningRate: 0.01, optimizer: 'sgd', momentum: 0.9, seed: 1, statsRows: 50, backend: 'reference', isa: 'js', threads: 1 },
  nets: [
    {
      depth: 3,
      width: 4,
      activation: 'relu',
      name: 'relu-3x4',
      runs: [
        run('he_normal'),
        run('zeros', { activationStd: [0, 0, 0, 0], gradNorm: [0, 0, 0, 0], distinctUnits: [1, 1, 1, 1], after: { activationStd: [0, 0, 0, 0], deadFraction: [1, 1, 1, 0], distinctUnits: [1, 1, 1, 10] } }),
        run('exploding<&>', { loss: [2.3], diverged: { epoch: 2, batch: 5 }, accuracy: null, after: null }),
      ],
    },
  ],
};

describe('study report', () => {
  it('summarizes first/last hidden layers, ratios and unit counts', () => {
    const s = summarize(result.nets[0].runs[0], 3);
    expect(s.stdFirst).toBe(1);
    expect(s.stdLast).toBe(0.25);
    expect(s.stdRatio).toBe(0.25);
    expect(s.gradRatio).toBeCloseTo(4, 12);
    expect(s.dead(4)).toBe(3); // 0.25·4 + 0 + 0.5·4
    expect(s.distinctMin).toBe(4);
    expect(s.distinctAfterMin).toBe(3);
    expect(Number.isNaN(summarize(result.nets[0].runs[1], 3).stdRatio)).toBe(true);
  });

  it('prints a loss table per epoch and a summary, reporting divergence instead of NaN', () => {
    const text = formatStudy(result);
    expect(text).toMatch(/epoch 3/);
    expect(text).toMatch(/diverged e2\/b5/);
    expect(text).toMatch(/\bdiverged\b/);
    expect(text).not.toMatch(/NaN/);
    expect(text).toMatch(/1→1/); // zeros: one distinct unit at init and after
    expect(fmtNum(4.3e-5)).toBe('4.30e-5');
    expect(fmtNum(NaN)).toBe('—');
  });

  it('writes a self-contained HTML page with three inline SVG plots per net', () => {
    const html = studyHtml(result);
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html.match(/<svg /g)!.length).toBe(3);
    expect(html).not.toMatch(/<script|src=|href=|@import|url\(/i);
    expect(html).not.toMatch(/NaN|Infinity/);
    expect(html).toContain('exploding&lt;&amp;&gt;');
    expect(html).toContain('all 0, not shown');
    expect(html).toContain('(log scale)');
  });
});

describe('SVG charts', () => {
  it('nice ticks are 1/2/5 steps covering the range', () => {
    expect(niceTicks(0, 1, 6)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(niceTicks(1, 30, 8, true)).toEqual([5, 10, 15, 20, 25, 30]);
    expect(niceTicks(0, 3, 8, true)).toEqual([0, 1, 2, 3]);
  });

  it('maps points into the plot box, log axis in decades, leaving out non-positive values', () => {
    const svg = lineChart(
      [
        { name: 'a', points: [[1, 1e-4], [2, 1e-2], [3, 1]], color: '#000' },
        { name: 'b', points: [[1, 0], [2, NaN], [3, 10]], color: '#111' },
      ],
      { title: 't', xLabel: 'x', yLabel: 'y', logY: true },
    );
    for (const d of ['1e-4', '1e-2', '1e0', '1e1']) expect(svg).toContain(`>${d}<`);
    expect(svg).not.toMatch(/NaN|Infinity/);
    const coords = [...svg.matchAll(/[ML](-?[\d.]+) (-?[\d.]+)/g)].map((m) => [Number(m[1]), Number(m[2])]);
    // Plot box: left 64 … 560 − 150, top 34 … 340 − 46.
    for (const [x, y] of coords) {
      expect(x).toBeGreaterThanOrEqual(64 - 1e-9);
      expect(x).toBeLessThanOrEqual(410 + 1e-9);
      expect(y).toBeGreaterThanOrEqual(34 - 1e-9);
      expect(y).toBeLessThanOrEqual(294 + 1e-9);
    }
    // Equal ratios are equal distances on a log axis: 1e-4 → 1e-2 → 1.
    const a = coords.slice(0, 3);
    expect(a[0][1] - a[1][1]).toBeCloseTo(a[1][1] - a[2][1], 6);
    expect(escapeXml(`<a href="x">'&`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;');
  });
});
