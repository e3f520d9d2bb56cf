// The Python peers (numpy/OpenBLAS and PyTorch) run in a subprocess per thread count, serving one JSON
// request per line, so they can be interleaved with fanin rep by rep.
import { spawn, spawnSync } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const SCRIPT = fileURLToPath(new URL('../peers/torch_bench.py', import.meta.url));

/** Which interpreter imports the peers: FANIN_BENCH_PYTHON, else /usr/bin/python3 (Debian's packages), else python3. */
export function findPython() {
  const tried = [];
  const candidates = process.env.FANIN_BENCH_PYTHON ? [process.env.FANIN_BENCH_PYTHON] : ['/usr/bin/python3', 'python3'];
  let fallback = null;
  for (const exe of candidates) {
    const r = spawnSync(exe, ['-c', 'import importlib.util as u; print(int(bool(u.find_spec("numpy"))), int(bool(u.find_spec("torch"))))'], {
      encoding: 'utf8',
      timeout: 20000,
    });
    if (r.error || r.status !== 0) {
      tried.push(`${exe}: ${r.error ? r.error.code ?? r.error.message : `exit ${r.status}`}`);
      continue;
    }
    const [np, torch] = r.stdout.trim().split(' ').map(Number);
    tried.push(`${exe}: numpy ${np ? 'yes' : 'no'}, torch ${torch ? 'yes' : 'no'}`);
    if (np && torch) return { exe, tried };
    if ((np || torch) && !fallback) fallback = exe;
  }
  return { exe: fallback, tried };
}

/** Environment of a peer process: the OpenBLAS overrides of this shell are removed for the peer only. */
function peerEnv(threads) {
  const env = { ...process.env };
  delete env.OPENBLAS_CORETYPE;
  delete env.OPENBLAS_L2_SIZE;
  env.OMP_NUM_THREADS = String(threads);
  env.OPENBLAS_NUM_THREADS = String(threads);
  // PyTorch's OpenMP workers busy-wait by default, which collapses on 2 shared cores (BENCHMARKS.md).
  if (threads > 1) env.OMP_WAIT_POLICY = 'PASSIVE';
  else delete env.OMP_WAIT_POLICY;
  return env;
}

export class PythonPeer {
  constructor(exe, threads) {
    this.threads = threads;
    this.proc = spawn(exe, [SCRIPT, '--threads', String(threads)], { env: peerEnv(threads), stdio: ['pipe', 'pipe', 'pipe'] });
    this.queue = [];
    this.stderr = '';
    this.dead = null;
    this.proc.stderr.on('data', (d) => {
      this.stderr = (this.stderr + d).slice(-4000);
    });
    this.proc.on('error', (e) => this.#die(`cannot start ${exe}: ${e.message}`));
    this.proc.on('exit', (code, sig) => this.#die(`python peer exited (${sig ?? code}): ${this.stderr.trim().split('\n').pop() ?? ''}`));
    createInterface({ input: this.proc.stdout }).on('line', (line) => {
      const p = this.queue.shift();
      if (!p) return;
      try {
        const msg = JSON.parse(line);
        if (msg.error) p.reject(new Error(msg.error));
        else p.resolve(msg);
      } catch (e) {
        p.reject(e);
      }
    });
  }

  #die(why) {
    if (this.dead) return;
    this.dead = why;
    for (const p of this.queue.splice(0)) p.reject(new Error(why));
  }

  request(req) {
    if (this.dead) return Promise.reject(new Error(this.dead));
    return new Promise((resolve, reject) => {
      this.queue.push({ resolve, reject });
      this.proc.stdin.write(JSON.stringify(req) + '\n');
    });
  }

  close() {
    if (!this.dead) {
      this.dead = 'closed';
      this.proc.stdin.end();
      this.proc.kill('SIGTERM');
    }
  }
}

/**
 * Starts the 1- and 2-thread peer processes. Returns { exe, tried, peers: {1, 2}, info: {1, 2} } or,
 * when no interpreter has numpy or torch, { exe: null, tried, reason }.
 */
export async function startPython() {
  const { exe, tried } = findPython();
  if (!exe) return { exe: null, tried, reason: `not installed: no Python with numpy or torch (tried ${tried.join('; ')})` };
  const peers = { 1: new PythonPeer(exe, 1), 2: new PythonPeer(exe, 2) };
  const info = {};
  for (const t of [1, 2]) {
    try {
      info[t] = await peers[t].request({ op: 'info' });
    } catch (e) {
      info[t] = { error: e.message };
    }
  }
  return { exe, tried, peers, info };
}
