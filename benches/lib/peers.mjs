// Loading fanin (built dist/) and TensorFlow.js, each reporting what it could not load instead of failing.
import { createRequire } from 'node:module';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const require = createRequire(ROOT + 'package.json');

/** fanin's public API from dist/ (run `npm run build` first), its two backends, and the raw binding. */
export async function loadFanin() {
  const dist = new URL('../../dist/index.mjs', import.meta.url);
  if (!existsSync(fileURLToPath(dist))) throw new Error('dist/index.mjs is missing: run `npm run build` first');
  const api = await import(dist.href);
  const reference = api.setBackend('reference');
  let native = null;
  let nativeError = null;
  try {
    native = api.setBackend('native');
  } catch (e) {
    nativeError = e.message;
  }
  // The bench needs the raw binding only to time one trivial N-API call without the facade around it.
  let binding = null;
  if (native?.info.binaryPath) {
    try {
      binding = require(native.info.binaryPath);
    } catch {
      binding = null;
    }
  }
  return { api, native, nativeError, reference, binding };
}

function pkgVersion(name) {
  try {
    return JSON.parse(readFileSync(require.resolve(`${name}/package.json`), 'utf8')).version;
  } catch {
    return null;
  }
}

/** TensorFlow.js with its cpu and wasm backends, or why not. */
export async function loadTfjs() {
  const out = { tf: null, cpu: null, wasm: null, versions: {}, node: null };
  // tfjs-node's install script downloads libtensorflow, which this offline machine cannot fetch.
  out.node = pkgVersion('@tensorflow/tfjs-node')
    ? { status: 'installed but unused' }
    : { status: 'not installed', detail: 'cannot install offline: its install script downloads libtensorflow' };
  const warn = console.warn;
  const log = console.log;
  try {
    // tfjs prints an advert for tfjs-node on first use in Node; keep the bench output readable.
    console.warn = () => {};
    console.log = () => {};
    out.tf = await import('@tensorflow/tfjs');
    out.versions['@tensorflow/tfjs'] = pkgVersion('@tensorflow/tfjs');
    out.cpu = (await out.tf.setBackend('cpu')) ? { status: 'ok' } : { status: 'error', detail: 'cpu backend did not start' };
    await out.tf.ready();
    out.tf.tidy(() => out.tf.add(out.tf.scalar(1), out.tf.scalar(1)).dataSync());
  } catch (e) {
    out.cpu = { status: 'not installed', detail: e.message.split('\n')[0] };
    out.wasm = { status: 'not installed', detail: 'needs @tensorflow/tfjs' };
    console.warn = warn;
    console.log = log;
    return out;
  }
  try {
    await import('@tensorflow/tfjs-backend-wasm');
    out.versions['@tensorflow/tfjs-backend-wasm'] = pkgVersion('@tensorflow/tfjs-backend-wasm');
    const ok = await out.tf.setBackend('wasm');
    await out.tf.ready();
    out.wasm = ok ? { status: 'ok' } : { status: 'error', detail: 'wasm backend did not start' };
    if (ok) {
      const env = out.tf.env();
      out.versions.wasmFeatures = {
        simd: safeFlag(env, 'WASM_HAS_SIMD_SUPPORT'),
        multithread: safeFlag(env, 'WASM_HAS_MULTITHREAD_SUPPORT'),
      };
    }
  } catch (e) {
    out.wasm = { status: 'not installed', detail: e.message.split('\n')[0] };
  } finally {
    console.warn = warn;
    console.log = log;
  }
  return out;
}

function safeFlag(env, name) {
  try {
    return env.getBool(name);
  } catch {
    return null;
  }
}

/** Switches tfjs to a backend (untimed, before each rep). */
export async function useTf(tf, name) {
  if (tf.getBackend() !== name) await tf.setBackend(name);
}
