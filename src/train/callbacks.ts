/**
 * Training callbacks (Keras' callback protocol in TensorFlow.js spelling). Every hook may be async;
 * fit awaits it before going on. Epoch and batch numbers are 0-based, as in Keras.
 */
import type { Tensor } from '../tensor.js';
import { describe } from '../tensor.js';
import { checkKeys } from '../nn/names.js';

/** Numbers reported by fit: loss, metrics, val_loss, val_<metric>; batch logs carry batch, size, loss. */
export type Logs = Record<string, number>;

/** What a callback may touch on the model it is attached to. */
export interface CallbackModel {
  /** Set to true to end fit: it stops after the batches already handed to the backend (at most one chunk). */
  stopTraining: boolean;
  getWeights(): Tensor[];
  setWeights(weights: Tensor[]): void;
}

export interface Callback {
  setModel?(model: CallbackModel): void;
  onTrainBegin?(logs: Logs): void | Promise<void>;
  onTrainEnd?(logs: Logs): void | Promise<void>;
  onEpochBegin?(epoch: number, logs: Logs): void | Promise<void>;
  onEpochEnd?(epoch: number, logs: Logs): void | Promise<void>;
  onBatchBegin?(batch: number, logs: Logs): void | Promise<void>;
  onBatchEnd?(batch: number, logs: Logs): void | Promise<void>;
}

export interface EarlyStoppingOptions {
  /** Log to watch. Default 'val_loss'. */
  monitor?: string;
  /** Smallest change that counts as an improvement. Default 0. */
  minDelta?: number;
  /** Epochs without improvement before stopping. Default 0. */
  patience?: number;
  /** 'min', 'max', or 'auto' (max when the monitor names an accuracy, else min). Default 'auto'. */
  mode?: 'auto' | 'min' | 'max';
  /** Do not stop before the monitored value is better than this. */
  baseline?: number;
  /** At the end of training, put back the weights of the best epoch. Default false. */
  restoreBestWeights?: boolean;
  /** Epochs to wait before watching at all (warm-up). Default 0. */
  startFromEpoch?: number;
}

/**
 * Stops training when `monitor` has not improved by more than `minDelta` for `patience` epochs
 * (Keras 3 EarlyStopping: the same counters, the same improvement test `current ∓ minDelta` vs best,
 * best weights restored at the end of training when `restoreBestWeights`).
 */
export class EarlyStopping implements Callback {
  readonly monitor: string;
  readonly minDelta: number;
  readonly patience: number;
  readonly mode: 'min' | 'max';
  readonly baseline: number | undefined;
  readonly restoreBestWeights: boolean;
  readonly startFromEpoch: number;
  /** Epoch (0-based) at which training was stopped, or 0 when it ran to the end. */
  stoppedEpoch = 0;
  bestEpoch = 0;
  best = NaN;
  private wait = 0;
  private bestWeights: Tensor[] | null = null;
  private model: CallbackModel | null = null;

  constructor(options: EarlyStoppingOptions = {}) {
    const what = 'earlyStopping';
    if (typeof options !== 'object' || options === null) throw new TypeError(`${what}: expected an options object, got ${describe(options)}`);
    checkKeys(options, ['monitor', 'minDelta', 'patience', 'mode', 'baseline', 'restoreBestWeights', 'startFromEpoch'], what);
    const { monitor = 'val_loss', minDelta = 0, patience = 0, mode = 'auto', baseline, restoreBestWeights = false, startFromEpoch = 0 } = options;
    if (typeof monitor !== 'string' || monitor === '') throw new TypeError(`${what}: monitor must be a log name such as 'val_loss', got ${describe(monitor)}`);
    if (typeof minDelta !== 'number' || !Number.isFinite(minDelta)) throw new RangeError(`${what}: minDelta must be a finite number, got ${describe(minDelta)}`);
    for (const [k, v] of [['patience', patience], ['startFromEpoch', startFromEpoch]] as const) {
      if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) throw new RangeError(`${what}: ${k} must be an integer ≥ 0, got ${describe(v)}`);
    }
    if (!['auto', 'min', 'max'].includes(mode)) throw new TypeError(`${what}: mode must be 'auto', 'min' or 'max', got ${describe(mode)}`);
    if (baseline !== undefined && (typeof baseline !== 'number' || !Number.isFinite(baseline))) {
      throw new RangeError(`${what}: baseline must be a finite number, got ${describe(baseline)}`);
    }
    if (typeof restoreBestWeights !== 'boolean') throw new TypeError(`${what}: restoreBestWeights must be a boolean, got ${describe(restoreBestWeights)}`);
    this.monitor = monitor;
    this.mode = mode === 'auto' ? (/acc/.test(monitor) ? 'max' : 'min') : mode;
    this.minDelta = Math.abs(minDelta);
    this.patience = patience;
    this.baseline = baseline;
    this.restoreBestWeights = restoreBestWeights;
    this.startFromEpoch = startFromEpoch;
  }

  setModel(model: CallbackModel): void {
    this.model = model;
  }

  private improves(current: number, reference: number): boolean {
    if (Number.isNaN(reference)) return true;
    return this.mode === 'min' ? current + this.minDelta < reference : current - this.minDelta > reference;
  }

  onTrainBegin(): void {
    this.wait = 0;
    this.stoppedEpoch = 0;
    this.best = NaN;
    this.bestEpoch = 0;
    this.bestWeights = null;
  }

  onEpochEnd(epoch: number, logs: Logs): void {
    const current = logs[this.monitor];
    if (current === undefined) {
      throw new RangeError(
        `earlyStopping: monitor '${this.monitor}' is not among the logs of this fit (${Object.keys(logs).join(', ')})` +
          (this.monitor.startsWith('val_') ? '; pass validationData or validationSplit to fit' : ''),
      );
    }
    if (epoch < this.startFromEpoch) return;
    if (this.restoreBestWeights && this.bestWeights === null) {
      this.bestWeights = this.model!.getWeights();
      this.bestEpoch = epoch;
    }
    this.wait++;
    if (this.improves(current, this.best)) {
      this.best = current;
      this.bestEpoch = epoch;
      if (this.restoreBestWeights) this.bestWeights = this.model!.getWeights();
      if (this.baseline === undefined || this.improves(current, this.baseline)) this.wait = 0;
      return;
    }
    if (this.wait >= this.patience && epoch > 0) {
      this.stoppedEpoch = epoch;
      this.model!.stopTraining = true;
    }
  }

  onTrainEnd(): void {
    if (this.restoreBestWeights && this.bestWeights) this.model!.setWeights(this.bestWeights);
  }
}

/** Callback factories: `callbacks.earlyStopping({ monitor: 'val_loss', patience: 3 })`. */
export const callbacks = {
  earlyStopping: (options?: EarlyStoppingOptions) => new EarlyStopping(options),
};
