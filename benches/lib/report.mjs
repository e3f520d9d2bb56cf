// The Markdown report: every figure side by side, the ratios the goals name, and each goal met or not.
import { fmt, fmtFigure } from './harness.mjs';

const COLUMNS = ['native 1T', 'native 2T', 'reference', 'tfjs-cpu', 'tfjs-wasm', 'tfjs', 'numpy 1T', 'numpy 2T', 'torch 1T', 'torch 2T'];

const get = (g, id) => g.results.find((r) => r.id === id);
const med = (g, id) => {
  const r = g && get(g, id);
  return r && r.status === 'ok' ? r.median : undefined;
};

/** a/b for rates, b/a for times (so a ratio > 1 always means fanin is faster). */
function ratio(g, a, b) {
  const x = med(g, a);
  const y = med(g, b);
  if (x === undefined || y === undefined || y === 0 || x === 0) return undefined;
  return g.lowerIsBetter ? y / x : x / y;
}

const fmtRatio = (x) => (x === undefined ? '–' : `${fmt(x)}×`);

/** Why a figure is missing: the contender's status, e.g. "not available yet". */
function why(g, id) {
  const r = g && get(g, id);
  if (!g) return 'not run';
  if (!r) return 'not measured';
  return r.status === 'ok' ? 'not measured' : r.status;
}

function table(groups, cols, ratios) {
  const used = cols.filter((c) => groups.some((g) => get(g, c)));
  ratios = ratios.filter((r) => groups.some((g) => ratio(g, r.a, r.b) !== undefined));
  const head = ['figure', 'unit', ...used, ...ratios.map((r) => r.label)];
  const lines = [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`];
  for (const g of groups) {
    const unit = g.results.find((r) => r.unit)?.unit ?? '';
    const cells = used.map((c) => {
      const r = get(g, c);
      if (!r) return '';
      const s = fmtFigure(r);
      return r.status === 'ok' ? s : `*${s}*`;
    });
    const rs = ratios.map((r) => fmtRatio(ratio(g, r.a, r.b)));
    lines.push(`| ${[g.name, unit, ...cells, ...rs].join(' | ')} |`);
  }
  return lines.join('\n');
}

/** The goals of issues 2 and 3, each checked against this run's medians. */
function goals(groups) {
  const rows = [];
  const by = (pred) => groups.filter(pred);
  const add = (goal, value, ok, where) => rows.push({ goal, value, ok, where });
  const sg = (n, l) => groups.find((g) => g.workload === 'sgemm' && g.params.n === n && g.params.layout === l);
  const sgemm = by((g) => g.workload === 'sgemm');
  for (const l of ['NN', 'TN', 'NT']) {
    const big = sgemm.filter((g) => g.params.layout === l && g.params.n >= 256);
    const vals = big.map((g) => [g.params.n, med(g, 'native 1T')]).filter(([, v]) => v !== undefined);
    if (vals.length) {
      const [n, worst] = vals.reduce((a, b) => (b[1] < a[1] ? b : a));
      add(`sgemm ${l} ≥ 90 GFLOP/s on 1 thread, N ≥ 256`, `${fmt(worst)} GFLOP/s (lowest, N=${n})`, worst >= 90);
    } else add(`sgemm ${l} ≥ 90 GFLOP/s on 1 thread, N ≥ 256`, why(big[0], 'native 1T'), undefined);
    const sc = sgemm
      .filter((g) => g.params.layout === l && g.params.n >= 512)
      .map((g) => [g.params.n, ratio(g, 'native 2T', 'native 1T')])
      .filter(([, v]) => v !== undefined);
    if (sc.length) {
      const [n, worst] = sc.reduce((a, b) => (b[1] < a[1] ? b : a));
      add(`sgemm ${l} 2T ≥ 1.7× 1T, N ≥ 512`, `${fmt(worst)}× (lowest, N=${n})`, worst >= 1.7);
    } else add(`sgemm ${l} 2T ≥ 1.7× 1T, N ≥ 512`, why(sgemm.find((g) => g.params.layout === l && g.params.n >= 512), 'native 2T'), undefined);
  }
  void sg;
  const samp = (k) => groups.find((g) => g.workload === 'sampling' && g.params.kind === k);
  const target = (label, g, id, min) => {
    const v = med(g, id);
    add(label, v === undefined ? why(g, id) : `${fmt(v)} ${g.results[0].unit}`, v === undefined ? undefined : v >= min);
  };
  target('normal ≥ 1,000 M samples/s on 1 thread', samp('normal'), 'native 1T', 1000);
  target('uniform ≥ 2,000 M samples/s on 1 thread', samp('uniform'), 'native 1T', 2000);
  for (const g of by((g) => g.workload === 'sampling')) {
    const r = ratio(g, 'native 1T', 'reference');
    add(`${g.params.kind}: native ≥ 20× reference`, r === undefined ? `${why(g, 'native 1T')} / ${why(g, 'reference')}` : `${fmt(r)}×`, r === undefined ? undefined : r >= 20);
  }
  const ortho = groups.find((g) => g.workload === 'orthogonal' && g.params.n === 1024);
  const ov = med(ortho, 'native 1T');
  add('orthogonal 1024² ≤ 0.05 s', ov === undefined ? why(ortho, 'native 1T') : `${fmt(ov)} s (1T)`, ov === undefined ? undefined : ov <= 0.05);
  const tr = (model, opt) => groups.find((g) => g.workload === 'training' && g.params.model === model && g.params.opt === opt);
  target('MLP SGD ≥ 72k samples/s on 1 thread', tr('mlp', 'sgd'), 'native 1T', 72000);
  target('MLP SGD ≥ 120k samples/s on 2 threads', tr('mlp', 'sgd'), 'native 2T', 120000);
  target('MLP Adam ≥ 50k samples/s on 1 thread', tr('mlp', 'adam'), 'native 1T', 50000);
  target('30×Dense(256) ≥ 6k samples/s on 1 thread', tr('deep30', 'sgd'), 'native 1T', 6000);
  for (const g of by((g) => g.workload === 'training')) {
    const r = ratio(g, 'native 1T', 'reference');
    add(`${g.name}: native ≥ 50× reference`, r === undefined ? `${why(g, 'native 1T')} / ${why(g, 'reference')}` : `${fmt(r)}×`, r === undefined ? undefined : r >= 50);
  }
  const lag = groups.find((g) => g.workload === 'lag');
  for (const id of ['native 1T', 'native 2T']) {
    const v = med(lag, id);
    add(`event-loop lag < 10 ms while fit runs (${id})`, v === undefined ? why(lag, id) : `${fmt(v)} ms`, v === undefined ? undefined : v < 10);
  }
  const lines = ['| goal (issues 2, 3) | measured (median) | met |', '|---|---|---|'];
  for (const r of rows) lines.push(`| ${r.goal} | ${r.value} | ${r.ok === undefined ? '–' : r.ok ? 'yes' : '**no**'} |`);
  return lines.join('\n');
}

/** The figures the issues quote: sgemm at N = 512 and 2048, normal and uniform fills, orthogonal 1024², training, lag. */
function keyTable(groups, ratios) {
  const pick = (pred) => groups.filter(pred);
  const key = [
    ...pick((g) => g.workload === 'sgemm' && (g.params.n === 512 || g.params.n === 2048 || (g.params.n === 256 && !groups.some((h) => h.workload === 'sgemm' && h.params.n === 512)))),
    ...pick((g) => g.workload === 'sampling' && (g.params.kind === 'normal' || g.params.kind === 'uniform' || g.params.kind === 'he_normal')),
    ...pick((g) => g.workload === 'orthogonal' && g.params.n === 1024),
    ...pick((g) => g.workload === 'training'),
    ...pick((g) => g.workload === 'lag'),
  ];
  if (!key.length) return '(no figures)';
  return table(key, COLUMNS, ratios);
}

export function markdown(run) {
  const { machine, groups, protocol } = run;
  for (const g of groups) g.lowerIsBetter = g.workload === 'orthogonal' || g.workload === 'lag' || g.workload === 'boundary';
  const m = machine;
  const peerVersions = Object.entries(m.versions)
    .map(([k, v]) => `${k} ${typeof v === 'string' ? v : JSON.stringify(v)}`)
    .join(', ');
  const vsPeers = [
    { label: 'native/ref', a: 'native 1T', b: 'reference' },
    { label: '1T/numpy 1T', a: 'native 1T', b: 'numpy 1T' },
    { label: '1T/torch 1T', a: 'native 1T', b: 'torch 1T' },
    { label: '2T/torch 2T', a: 'native 2T', b: 'torch 2T' },
  ];
  const sec = (title, pred, ratios = vsPeers, intro = '', cols = COLUMNS) => {
    const gs = groups.filter(pred);
    if (!gs.length) return '';
    return `### ${title}\n\n${intro}${table(gs, cols, ratios)}\n`;
  };
  const ids = (pred) => [...new Set(groups.filter(pred).flatMap((g) => g.results.map((r) => r.id)))];
  return `# fanin benchmarks

Run ${run.date} (UTC) with \`${run.command}\`${run.quick ? ' (quick: smaller sizes, fewer reps; not the figures to quote)' : ''}.
Each cell: median (min–max) of n = ${protocol.reps} interleaved reps after ${protocol.warmup} warm-up; *italics* = not measured, with why.
Ratios are of medians; > 1 means fanin is faster. 1T / 2T = threads. The machine is shared: absolute figures move with
its load, ratios measured in the same run much less.

**Machine**: ${m.cpu.model}, ${m.cpu.cores} logical CPUs, ${m.cpu.flags.join(' ')}; fanin ISA ${m.fanin.isa}, pool threads ${m.fanin.threads}
(default); load average ${m.loadBefore.map((x) => x.toFixed(2)).join(' ')} before, ${(m.loadAfter ?? []).map((x) => x.toFixed(2)).join(' ')} after.
**Versions**: Node ${m.node}, fanin ${m.fanin.version} (${m.fanin.commit}), ${peerVersions}.
**Python peers**: ${m.python.summary}.
**tfjs-node**: ${m.tfjsNode.status}${m.tfjsNode.detail ? ` (${m.tfjsNode.detail})` : ''}.

## Key figures

${keyTable(groups, vsPeers)}

## Goals

${goals(groups)}

## All figures

${sec('sgemm (GFLOP/s = 2N³/t)', (g) => g.workload === 'sgemm')}
${sec('Sampling (M samples/s)', (g) => g.workload === 'sampling', vsPeers, 'tfjs samples in JS in tfjs-core, the same code on its cpu and wasm backends. numpy has no truncated normal; its he_normal is the untruncated PyTorch form.\n\n')}
${sec('Orthogonal initializer (seconds, lower is better)', (g) => g.workload === 'orthogonal')}
${sec('Training (samples/s, epoch after warm-up)', (g) => g.workload === 'training', [...vsPeers, { label: 'native/tfjs-wasm', a: 'native 1T', b: 'tfjs-wasm' }])}
${sec('Boundary: one call (ns, lower is better)', (g) => g.workload === 'boundary', [], '', ids((g) => g.workload === 'boundary'))}
${sec('Event-loop lag while fit runs (ms, worst tick of a 5 ms timer, lower is better)', (g) => g.workload === 'lag', [], '', [...COLUMNS, 'idle (no fit)'])}
## Notes

${run.notes.map((n) => `- ${n}`).join('\n')}
`;
}
