#!/usr/bin/env node
// `npm run bench [-- --quick] [-- --only sgemm,sampling,training,boundary] [-- --reps N]`
// Runs every benchmark with fanin and its peers side by side (see docs/BENCHMARKS.md), prints medians
// with min–max, and writes benches/results/latest.json and latest.md.
import { execFileSync } from 'node:child_process';
import { accessSync, constants, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { printResults } from './lib/harness.mjs';
import { loadFanin, loadTfjs } from './lib/peers.mjs';
import { startPython } from './lib/python.mjs';
import { markdown } from './lib/report.mjs';
import { sgemmBench } from './workloads/sgemm.mjs';
import { samplingBench } from './workloads/sampling.mjs';
import { trainingBench, syntheticData, BATCH } from './workloads/training.mjs';
import { boundaryBench } from './workloads/boundary.mjs';

const WORKLOADS = { sgemm: sgemmBench, sampling: samplingBench, training: trainingBench, boundary: boundaryBench };

function parseArgs(argv) {
  const a = { quick: false, only: Object.keys(WORKLOADS), reps: undefined, out: 'latest' };
  for (let i = 0; i < argv.length; i++) {
    const [k, inline] = argv[i].split('=');
    const val = () => inline ?? argv[++i];
    if (k === '--quick') a.quick = true;
    else if (k === '--only') a.only = val().split(',');
    else if (k === '--reps') a.reps = Number(val());
    else if (k === '--out') a.out = val();
    else if (k === '--help' || k === '-h') {
      console.log('npm run bench [-- --quick] [--only sgemm,sampling,training,boundary] [--reps N] [--out NAME|PATH]');
      process.exit(0);
    } else throw new Error(`unknown argument ${argv[i]}`);
  }
  for (const w of a.only) if (!WORKLOADS[w]) throw new Error(`--only: unknown workload ${w} (know ${Object.keys(WORKLOADS).join(', ')})`);
  if (a.reps !== undefined && !(Number.isInteger(a.reps) && a.reps >= 1)) throw new Error('--reps: expected an integer ≥ 1');
  a.outBase = outBase(a.out);
  return a;
}

/**
 * Where `--out` writes, without the .json/.md extension: a bare NAME goes to benches/results/NAME, anything with a
 * directory part (relative to the working directory, or absolute) is taken as a path. Checked before the run so a
 * bad path fails in a second, not after the whole bench.
 */
function outBase(out) {
  if (typeof out !== 'string' || out === '' || out.endsWith('/')) throw new Error(`--out: expected a NAME or a file path without extension, got ${JSON.stringify(out)}`);
  const base = out.includes('/') || path.isAbsolute(out)
    ? path.resolve(out.replace(/\.(json|md)$/, ''))
    : path.join(fileURLToPath(new URL('./results/', import.meta.url)), out);
  try {
    mkdirSync(path.dirname(base), { recursive: true });
    accessSync(path.dirname(base), constants.W_OK);
  } catch (e) {
    throw new Error(`--out: cannot write into ${path.dirname(base)} (${e.code ?? e.message})`);
  }
  return base;
}

function cpuInfo() {
  let flags = [];
  let model = os.cpus()[0]?.model ?? 'unknown';
  try {
    const txt = readFileSync('/proc/cpuinfo', 'utf8');
    model = /model name\s*:\s*(.*)/.exec(txt)?.[1] ?? model;
    const f = new Set((/flags\s*:\s*(.*)/.exec(txt)?.[1] ?? '').split(/\s+/));
    flags = ['avx2', 'fma', 'avx512f', 'avx512bw', 'avx512vl'].filter((x) => f.has(x));
  } catch {
    /* not Linux */
  }
  return { model, cores: os.cpus().length, flags };
}

function gitCommit() {
  try {
    const root = fileURLToPath(new URL('..', import.meta.url));
    const sha = execFileSync('git', ['-C', root, 'rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['-C', root, 'status', '--porcelain', '--untracked-files=no'], { encoding: 'utf8' }).trim();
    return dirty ? `${sha}+dirty` : sha;
  } catch {
    return 'unknown';
  }
}

function pythonSummary(py) {
  if (!py.exe) return py.reason;
  const i1 = py.info[1] ?? {};
  const i2 = py.info[2] ?? {};
  const blas = (i) => (i.threadpools ?? []).filter((p) => p.internal_api === 'openblas' || p.user_api === 'blas');
  const b = blas(i1)[0];
  const parts = [`${py.exe} (Python ${i1.python ?? '?'})`];
  parts.push(i1.numpy ? `numpy ${i1.numpy}` : `numpy not installed`);
  parts.push(i1.torch ? `torch ${i1.torch}` : `torch not installed`);
  if (b) parts.push(`numpy BLAS: ${b.internal_api} ${b.version ?? ''} kernel ${b.architecture ?? '?'} (${b.threading_layer ?? ''}), ${b.num_threads}/${blas(i2)[0]?.num_threads ?? '?'} threads in the 1T/2T peers`);
  else if (i1.threadpools) parts.push(`numpy BLAS: no BLAS pool seen by threadpoolctl (${JSON.stringify(i1.threadpools.map((p) => p.internal_api))})`);
  else if (i1.numpy_config) parts.push('numpy BLAS: see numpy.show_config in latest.json (threadpoolctl absent)');
  if (i1.torch_blas) parts.push(`torch ${(i1.torch_blas.join(' ').match(/BLAS_INFO=[^,]*|LAPACK_INFO=[^,]*/g) ?? []).join(' ')}`);
  parts.push(`torch threads ${i1.torch_threads ?? '?'} / ${i2.torch_threads ?? '?'}; 2T peer env OMP_WAIT_POLICY=${i2.env?.OMP_WAIT_POLICY ?? 'unset'}; OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE unset for the peers`);
  return parts.join('; ');
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const started = Date.now();
  const date = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  const protocol = args.quick ? { warmup: 1, reps: 3, minTime: 0.04 } : { warmup: 1, reps: 5, minTime: 0.15 };
  if (args.reps) protocol.reps = args.reps;
  const command = `npm run bench${args.quick ? ' -- --quick' : ''}${args.only.length < 4 ? ` --only ${args.only.join(',')}` : ''}`;
  console.log(`fanin bench ${date}${args.quick ? ' (quick)' : ''}: warm-up ${protocol.warmup}, ${protocol.reps} interleaved reps, rep ≥ ${protocol.minTime}s`);

  const loadBefore = os.loadavg();
  const pyStart = startPython();
  const fanin = await loadFanin();
  const tfjs = await loadTfjs();
  const py = await pyStart;
  const notes = [];
  if (!fanin.native) notes.push(`fanin native backend did not load: ${fanin.nativeError}`);

  const machine = {
    cpu: cpuInfo(),
    node: process.version,
    fanin: {
      version: JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version,
      commit: gitCommit(),
      isa: fanin.native?.info.isa ?? 'none',
      threads: fanin.native?.info.threads ?? 1,
      availableIsas: fanin.binding?.availableIsas?.() ?? null,
      binaryPath: fanin.native?.info.binaryPath ?? null,
    },
    versions: { ...tfjs.versions },
    tfjsNode: tfjs.node,
    python: { exe: py.exe, tried: py.tried, info: py.info ?? null, summary: pythonSummary(py) },
    loadBefore,
    env: { FANIN_ISA: process.env.FANIN_ISA ?? null, FANIN_BACKEND: process.env.FANIN_BACKEND ?? null },
  };
  if (py.info?.[1]?.numpy) machine.versions.numpy = py.info[1].numpy;
  if (py.info?.[1]?.torch) machine.versions.torch = py.info[1].torch;
  if (py.info?.[1]?.python) machine.versions.python = py.info[1].python;
  console.log(`  CPU ${machine.cpu.model} (${machine.cpu.cores} CPUs, ${machine.cpu.flags.join(' ')}); fanin ISA ${machine.fanin.isa}`);
  console.log(`  peers: ${Object.entries(machine.versions).map(([k, v]) => `${k} ${typeof v === 'string' ? v : JSON.stringify(v)}`).join(', ')}`);
  console.log(`  python: ${machine.python.summary}`);
  console.log(`  tfjs-node: ${tfjs.node.status}${tfjs.node.detail ? ` (${tfjs.node.detail})` : ''}`);

  let data = null;
  const ctx = {
    quick: args.quick,
    protocol,
    fanin,
    tfjs,
    py,
    log: printResults,
    trainData(batches) {
      if (!data || data.rows < batches * BATCH) data = syntheticData(Math.max(batches * BATCH, data?.rows ?? 0));
      return data;
    },
  };

  const groups = [];
  try {
    for (const w of args.only) {
      console.log(`\n${w}`);
      const t0 = Date.now();
      groups.push(...(await WORKLOADS[w](ctx)));
      if (py.peers) await Promise.all([py.peers[1].request({ op: 'free' }).catch(() => {}), py.peers[2].request({ op: 'free' }).catch(() => {})]);
      console.log(`  (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
    }
  } finally {
    if (py.peers) {
      py.peers[1].close();
      py.peers[2].close();
    }
  }
  machine.loadAfter = os.loadavg();
  notes.push(`tfjs-wasm runs one thread in Node; tfjs rows are 1T.`);
  notes.push(`Peers and fanin ran interleaved rep by rep; 2-thread Python peers are followed by a 100 ms untimed pause so OpenBLAS's spinning workers go to sleep before the next contender.`);
  notes.push(`Total time ${((Date.now() - started) / 1000).toFixed(0)} s.`);

  const run = { date, command, quick: args.quick, protocol, machine, groups, notes };
  writeFileSync(`${args.outBase}.json`, JSON.stringify(run, null, 1) + '\n');
  writeFileSync(`${args.outBase}.md`, markdown(run));
  console.log(`\nwrote ${args.outBase}.json and .md in ${((Date.now() - started) / 1000).toFixed(0)} s`);
}

main().catch((e) => {
  console.error(e?.stack ?? e);
  process.exit(1);
});
