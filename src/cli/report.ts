/** Text tables and the self-contained HTML page of a study result. Uses only the public API's types. */
import type { StudyResult, StudyRun, StudyNetResult } from '../index.js';
import { PALETTE, escapeXml, lineChart, type Series } from './svg.js';

/** Scalar summaries of a run, shared by the text table and the HTML page. */
export function summarize(run: StudyRun, depth: number) {
  const first = 0, last = depth - 1; // hidden layers are 0 … depth − 1; the output layer comes after
  const hiddenUnits = (fractions: number[], width: number) =>
    Math.round(fractions.slice(0, depth).reduce((a, f) => a + f * width, 0));
  return {
    stdFirst: run.activationStd[first],
    stdLast: run.activationStd[last],
    stdRatio: run.activationStd[first] > 0 ? run.activationStd[last] / run.activationStd[first] : NaN,
    gradRatio: run.gradNorm[first] > 0 ? run.gradNorm[last] / run.gradNorm[first] : NaN,
    dead: (width: number) => hiddenUnits(run.deadFraction, width),
    deadAfter: (width: number) => (run.after ? hiddenUnits(run.after.deadFraction, width) : null),
    distinctMin: Math.min(...run.distinctUnits.slice(0, depth)),
    distinctAfterMin: run.after ? Math.min(...run.after.distinctUnits.slice(0, depth)) : null,
  };
}

export function fmtNum(v: number | null | undefined, digits = 3): string {
  if (v === null || v === undefined || Number.isNaN(v)) return '—';
  if (!Number.isFinite(v)) return v > 0 ? 'inf' : '-inf';
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1e4 || a < 1e-3) return v.toExponential(digits - 1);
  return v.toFixed(Math.max(0, digits - 1 - Math.floor(Math.log10(a))));
}

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)));
  const line = (cells: string[]) => cells.map((s, c) => (c === 0 ? s.padEnd(widths[c]) : s.padStart(widths[c]))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

function lossCell(run: StudyRun, epoch: number): string {
  if (epoch < run.loss.length) return fmtNum(run.loss[epoch], 4);
  if (run.diverged && epoch === run.diverged.epoch - 1) return 'diverged';
  return '';
}

/** The tables of one net: loss per epoch (rows) per initializer (columns), then one summary row per initializer. */
export function formatNet(net: StudyNetResult, epochs: number): string {
  const parts: string[] = [];
  parts.push(`${net.activation.toUpperCase()} net: ${net.depth} hidden layers × ${net.width} units (${net.name})`);
  if (epochs > 0) {
    parts.push(
      table(
        ['training loss', ...net.runs.map((r) => r.name)],
        Array.from({ length: epochs }, (_, e) => [`epoch ${e + 1}`, ...net.runs.map((r) => lossCell(r, e))]),
      ),
    );
  }
  const rows = net.runs.map((run) => {
    const s = summarize(run, net.depth);
    return [
      run.name,
      run.diverged ? `diverged e${run.diverged.epoch}/b${run.diverged.batch}` : run.loss.length ? fmtNum(run.loss[run.loss.length - 1], 4) : '—',
      run.accuracy === null ? '—' : `${(100 * run.accuracy).toFixed(1)}%`,
      fmtNum(s.stdFirst),
      fmtNum(s.stdLast),
      fmtNum(s.stdRatio),
      fmtNum(s.gradRatio),
      `${s.dead(net.width)}/${net.depth * net.width}`,
      `${s.distinctMin}${s.distinctAfterMin === null ? '' : `→${s.distinctAfterMin}`}`,
    ];
  });
  parts.push(
    table(['init', 'final loss', 'accuracy', 'act std first', 'act std last', 'last/first', 'grad last/first', 'dead at init', 'distinct (min)'], rows),
  );
  return parts.join('\n\n');
}

export function formatStudy(result: StudyResult): string {
  const s = result.settings;
  const d = result.dataset;
  const head =
    `fanin study — ${d.name}: ${d.trainRows} training rows, ${d.testRows} held out, ${d.features} features, ${d.classes} classes\n` +
    `${s.optimizer}${s.optimizer === 'sgd' ? ` (momentum ${s.momentum})` : ''}, lr ${s.learningRate}, batch ${s.batchSize}, ${s.epochs} epochs, seed ${s.seed}; ` +
    `backend ${s.backend} (${s.isa}, ${s.threads} threads)\n` +
    `Statistics at initialisation on ${s.statsRows} training rows: activation std of the first and last hidden layers, their ratio, ` +
    `the ratio of the kernels' gradient norms (last/first hidden layer), dead ReLU units, and the fewest distinct units in a hidden layer (at init → after training).`;
  return [head, ...result.nets.map((n) => formatNet(n, s.epochs))].join('\n\n') + '\n';
}

function charts(net: StudyNetResult): string[] {
  const color = (i: number) => PALETTE[i % PALETTE.length];
  const loss: Series[] = net.runs.map((r, i) => {
    const pts: [number, number][] = r.loss.map((v, e) => [e + 1, v]);
    const lastY = r.loss.length ? r.loss[r.loss.length - 1] : NaN;
    return {
      name: r.name,
      points: pts,
      color: color(i),
      ...(r.diverged
        ? { mark: { x: r.diverged.epoch, y: Number.isFinite(lastY) ? lastY : Math.log(10), label: 'diverged' }, note: `diverged in epoch ${r.diverged.epoch}` }
        : {}),
    };
  });
  const perLayer = (key: 'activationStd' | 'gradNorm'): Series[] =>
    net.runs.map((r, i) => {
      const values = r[key].slice(0, net.depth);
      const zero = values.every((v) => v === 0);
      return { name: r.name, points: values.map((v, l) => [l + 1, v] as [number, number]), color: color(i), ...(zero ? { note: 'all 0, not shown' } : {}) };
    });
  return [
    lineChart(loss, { title: `Training loss — ${net.name}`, xLabel: 'epoch', yLabel: 'mean training loss', integerX: true }),
    lineChart(perLayer('activationStd'), { title: `Activation std per layer at init — ${net.name}`, xLabel: 'hidden layer', yLabel: 'std of activations', logY: true, integerX: true }),
    lineChart(perLayer('gradNorm'), { title: `Gradient norm per layer at init — ${net.name}`, xLabel: 'hidden layer', yLabel: '‖∂L/∂W‖', logY: true, integerX: true }),
  ];
}

/** A self-contained HTML page: the tables and inline SVG plots, no scripts, no external resources. */
export function studyHtml(result: StudyResult): string {
  const sections = result.nets.map(
    (net) => `<section>
<h2>${escapeXml(`${net.activation} — ${net.depth} hidden layers × ${net.width} units`)}</h2>
<div class="charts">${charts(net).join('\n')}</div>
<pre>${escapeXml(formatNet(net, result.settings.epochs))}</pre>
</section>`,
  );
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>fanin study</title>
<style>
body { font-family: system-ui, sans-serif; margin: 2rem; color: #222; max-width: 1800px; }
pre { background: #f6f6f6; padding: 0.8rem; overflow-x: auto; font-size: 12px; }
.charts { display: flex; flex-wrap: wrap; gap: 12px; }
.charts svg { border: 1px solid #ddd; }
</style>
</head>
<body>
<h1>fanin study: what the initializer does to a deep network</h1>
<pre>${escapeXml(formatStudy(result).split('\n\n')[0])}</pre>
${sections.join('\n')}
<p>Log-scale plots leave out zeros (an all-zero initializer has no activation or gradient to plot).
A cross marks where a run diverged (its loss stopped being a finite number); its line ends there.</p>
</body>
</html>
`;
}
