import { getBackend } from './backend/select.js';
import { packageJson } from './pkg.js';

export interface FaninInfo {
  version: string;
  backend: string;
  binaryPath: string | null;
  isa: string;
  threads: number;
  node: string;
  platform: string;
}

/** What `fanin info` prints: version, backend in use, binary path, ISA, threads. */
export function info(): FaninInfo {
  const backend = getBackend();
  const { isa, threads, binaryPath } = backend.info;
  return {
    version: packageJson().version,
    backend: backend.name,
    binaryPath: binaryPath ?? null,
    isa,
    threads,
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
  };
}
