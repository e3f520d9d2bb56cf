/**
 * Console output of fit, as Keras prints it: verbose 1 draws a progress bar per epoch (redrawn in
 * place on a terminal, printed once per epoch otherwise), verbose 2 prints one line per epoch.
 */
import type { Logs } from './callbacks.js';

export interface ProgressSink {
  isTTY?: boolean;
  write(text: string): unknown;
}

const BAR = 30;
const REDRAW_MS = 50;

function fmtLogs(logs: Logs): string {
  return Object.entries(logs)
    .map(([k, v]) => ` - ${k}: ${Math.abs(v) >= 1e-3 || v === 0 ? v.toFixed(4) : v.toExponential(3)}`)
    .join('');
}

function fmtSeconds(s: number): string {
  return s >= 60 ? `${Math.floor(s / 60)}m${Math.round(s % 60)}s` : s >= 1 ? `${s.toFixed(1)}s` : `${Math.round(s * 1000)}ms`;
}

export class Progress {
  private epochStart = 0;
  private lastDraw = 0;

  constructor(
    private readonly verbose: 0 | 1 | 2,
    private readonly epochs: number,
    private readonly steps: number,
    private readonly sink?: ProgressSink,
  ) {}

  /** process.stdout is only touched when something is printed: its first access builds the stream. */
  private get out(): ProgressSink {
    return this.sink ?? process.stdout;
  }

  epochBegin(epoch: number): void {
    this.epochStart = performance.now();
    this.lastDraw = 0;
    if (this.verbose === 1) this.out.write(`Epoch ${epoch + 1}/${this.epochs}\n`);
  }

  private bar(step: number): string {
    const width = String(this.steps).length;
    const done = Math.floor((BAR * step) / this.steps);
    const bar = done >= BAR ? '='.repeat(BAR) : '='.repeat(done) + '>' + '.'.repeat(BAR - done - 1);
    return `${String(step).padStart(width)}/${this.steps} [${bar}]`;
  }

  /** After batch `step` (1-based) with the epoch's running mean loss. */
  batchEnd(step: number, meanLoss: number): void {
    if (this.verbose !== 1 || !this.out.isTTY || step === this.steps) return;
    const now = performance.now();
    if (now - this.lastDraw < REDRAW_MS) return;
    this.lastDraw = now;
    const elapsed = (now - this.epochStart) / 1000;
    const eta = (elapsed / step) * (this.steps - step);
    this.out.write(`\r${this.bar(step)} - ETA: ${fmtSeconds(eta)}${fmtLogs({ loss: meanLoss })}\x1b[K`);
  }

  epochEnd(epoch: number, logs: Logs): void {
    const seconds = (performance.now() - this.epochStart) / 1000;
    if (this.verbose === 1) {
      const perStep = fmtSeconds(seconds / this.steps);
      this.out.write(`${this.out.isTTY ? '\r' : ''}${this.bar(this.steps)} - ${fmtSeconds(seconds)} ${perStep}/step${fmtLogs(logs)}${this.out.isTTY ? '\x1b[K' : ''}\n`);
    } else if (this.verbose === 2) {
      this.out.write(`Epoch ${epoch + 1}/${this.epochs} - ${fmtSeconds(seconds)}${fmtLogs(logs)}\n`);
    }
  }
}
