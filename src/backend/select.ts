/**
 * Backend selection: 'auto' (default) uses native when its binary loads and falls back to the
 * reference backend with one warning; 'native' makes a missing binary an error; 'reference' never
 * touches native code. The FANIN_BACKEND environment variable sets the initial choice.
 */
import type { Backend } from './types.js';
import { createNativeBackend, nativeLoadError } from './native/index.js';
import { createReferenceBackend } from './reference/index.js';
import { describe } from '../tensor.js';
import { packageJson } from '../pkg.js';

export type BackendChoice = 'auto' | 'native' | 'reference';
const CHOICES: readonly BackendChoice[] = ['auto', 'native', 'reference'];

let current: Backend | undefined;
let native: Backend | null | undefined;
let reference: Backend | undefined;
let warned = false;

function nativeBackend(): Backend | null {
  if (native === undefined) native = createNativeBackend();
  return native;
}

function referenceBackend(): Backend {
  if (!reference) reference = createReferenceBackend();
  return reference;
}

/**
 * What to tell a user whose platform has no loadable binary. A published fanin lists every platform
 * package it has in optionalDependencies (napi prepublish writes them); a checkout lists none.
 */
function installAdvice(triple: string): string {
  const { version, optionalDependencies } = packageJson();
  const pkg = `fanin-${triple}`;
  if (optionalDependencies && pkg in optionalDependencies) {
    return `install the platform package ${pkg}@${version} (npm installs it unless optional dependencies are omitted)`;
  }
  if (!optionalDependencies) return 'this is a checkout: build the binary with npm run build:native (needs a Rust toolchain)';
  return `no prebuilt binary is published for ${triple}; build one from a checkout with a Rust toolchain (npm run build:native)`;
}

function resolve(choice: BackendChoice): Backend {
  if (choice === 'reference') return referenceBackend();
  const nb = nativeBackend();
  if (nb) return nb;
  const { error, triple } = nativeLoadError();
  if (choice === 'native') {
    throw new Error(
      `fanin: the native backend was requested (FANIN_BACKEND or setBackend('native')) but no binary loads for platform ${triple}: ` +
        `${installAdvice(triple)}. Loader said: ${error ?? 'unknown error'}`,
    );
  }
  if (!warned) {
    warned = true;
    process.emitWarning(
      `fanin: no native binary loads for ${triple}, so the pure-TypeScript reference backend is used (same results, slower). ` +
        `To fix: ${installAdvice(triple)}. Loader said: ${error ?? 'unknown error'}`,
      { code: 'FANIN_NO_NATIVE' },
    );
  }
  return referenceBackend();
}

function parseChoice(value: unknown, where: string): BackendChoice {
  if (typeof value !== 'string' || !CHOICES.includes(value as BackendChoice)) {
    throw new TypeError(`${where}: expected one of ${CHOICES.map((c) => `'${c}'`).join(', ')}, got ${describe(value)}`);
  }
  return value as BackendChoice;
}

/** Selects the backend used by every initializer and model created afterwards. Returns it. */
export function setBackend(choice: BackendChoice | Backend): Backend {
  if (typeof choice === 'object' && choice !== null && 'createNetwork' in choice) {
    current = choice;
    return current;
  }
  current = resolve(parseChoice(choice, 'setBackend'));
  return current;
}

/** The backend in use; resolved on first use from FANIN_BACKEND (default 'auto'). */
export function getBackend(): Backend {
  if (!current) {
    const env = process.env.FANIN_BACKEND;
    current = resolve(env === undefined || env === '' ? 'auto' : parseChoice(env, 'FANIN_BACKEND'));
  }
  return current;
}
