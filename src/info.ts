import { getBackend } from './backend/select.js';

export interface FaninInfo {
  version: string;
  backend: string;
  binaryPath: string | null;
  isa: string;
  threads: number;
  node: string;
  platform: string;
}

declare const __FANIN_VERSION__: string | undefined;

/** What `fanin info` prints: version, backend in use, binary path, ISA, threads. */
export function info(): FaninInfo {
  const backend = getBackend();
  const { isa, threads, binaryPath } = backend.info;
  return {
    version: typeof __FANIN_VERSION__ === 'string' ? __FANIN_VERSION__ : '0.1.0',
    backend: backend.name,
    binaryPath: binaryPath ?? null,
    isa,
    threads,
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
  };
}
