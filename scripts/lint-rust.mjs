#!/usr/bin/env node
// `npm run lint:rust`: clippy with warnings as errors over the workspace's libraries, and over the
// kernels crate's tests and benches too. The node crate's own test target is left out: its #[napi]
// functions are registered by the addon's constructor, so under cfg(test) they read as dead code.
// A toolchain without clippy (it is a rustup component) skips with a visible line instead of failing.
import { spawnSync } from 'node:child_process';

const probe = spawnSync('cargo', ['clippy', '--version'], { stdio: 'ignore' });
if (probe.status !== 0) {
  console.log('lint:rust: cargo clippy is not installed here (rustup component add clippy); Rust lint skipped');
  process.exit(0);
}
const runs = [
  ['clippy', '--workspace', '--release', '--quiet', '--', '-D', 'warnings'],
  ['clippy', '-p', 'fanin-kernels', '--all-targets', '--release', '--quiet', '--', '-D', 'warnings'],
];
for (const args of runs) {
  const r = spawnSync('cargo', args, { stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}
console.log('lint:rust: clippy clean');
