/**
 * Backend selection: 'auto' (default) uses native when its binary loads and falls back to the
 * reference backend with one warning; 'native' makes a missing binary an error; 'reference' never
 * touches native code. The FANIN_BACKEND environment variable sets the initial choice.
 */
import type { Backend } from './types.js';
import { createNativeBackend, nativeLoadError } from './native/index.js';
import { createReferenceBackend } from './reference/index.js';
import { describe } from '../tensor.js';

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

function resolve(choice: BackendChoice): Backend {
  if (choice === 'reference') return referenceBackend();
  const nb = nativeBackend();
  if (nb) return nb;
  const { error, triple } = nativeLoadError();
  if (choice === 'native') {
    throw new Error(
      `fanin: the native backend was requested but no binary loads for platform ${triple}. ` +
        `Install the platform package \`fanin-${triple}\` (npm install fanin-${triple}) or build from source with a Rust toolchain (npm run build:native). ` +
        `Loader said: ${error ?? 'unknown error'}`,
    );
  }
  if (!warned) {
    warned = true;
    process.emitWarning(
      `fanin: no native binary for ${triple} (install fanin-${triple} for native speed); using the pure-TypeScript reference backend.`,
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
