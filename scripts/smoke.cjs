'use strict';
/**
 * Smoke run of an installed fanin, through its public API only. `fanin` is resolved from the
 * current directory, so the same script checks a package installed from tarballs (run it in the
 * project that installed them) or the checkout itself (run it in the repo root: a package can
 * require its own name). Prints one JSON line on stdout; warnings go to stderr as Node prints them.
 *
 * What it exercises grows with the library: info(), the Philox block and a uniform fill (the
 * samples the packaging test compares between backends), he_normal and an XOR fit once those exist.
 * `ran` lists the parts that ran, so a test can insist that nothing was skipped.
 */
const { createRequire } = require('node:module');
const { join } = require('node:path');

const fanin = createRequire(join(process.cwd(), 'smoke-entry.js'))('fanin');
const out = { info: fanin.info(), ran: ['info'] };
const backend = fanin.getBackend();

// Philox4x32-10 known answer (Random123 kat_vectors, zero counter and key): proves the kernel ran.
out.philox = Array.from(backend.philox(new Uint32Array(4), new Uint32Array(2)));
out.ran.push('philox');

// Uniform samples, reported as float32 bit patterns so two runs can be compared exactly.
try {
  const u = new Float32Array(1000);
  backend.fillUniform(u, 20241129n, 7, -1, 1);
  out.uniformBits = Array.from(new Uint32Array(u.buffer));
  out.ran.push('uniform');
} catch (err) {
  out.uniformError = String(err && err.message);
}

// A second resolution must not warn again: the fallback warning is once per process.
fanin.setBackend(process.env.FANIN_BACKEND || 'auto');
fanin.getBackend();
console.log(JSON.stringify(out));
