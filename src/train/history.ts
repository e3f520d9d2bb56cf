import type { Callback, Logs } from './callbacks.js';

export interface HistoryParams {
  epochs: number;
  /** Batches per epoch. */
  steps: number;
  verbose: number;
  batchSize: number;
  samples: number;
}

/**
 * What fit returns: `epoch` (0-based indices of the epochs run), `history` (one array per log key, e.g.
 * loss, accuracy, val_loss, val_accuracy), and each of those arrays also as a property
 * (`history.loss`, `history.val_accuracy`), as Keras users expect.
 */
export class History implements Callback {
  readonly epoch: number[] = [];
  readonly history: Record<string, number[]> = {};
  params: HistoryParams = { epochs: 0, steps: 0, verbose: 0, batchSize: 0, samples: 0 };
  [metric: string]: unknown;

  get loss(): number[] {
    return this.history.loss ?? [];
  }

  get val_loss(): number[] | undefined {
    return this.history.val_loss;
  }

  get accuracy(): number[] | undefined {
    return this.history.accuracy;
  }

  get val_accuracy(): number[] | undefined {
    return this.history.val_accuracy;
  }

  onEpochEnd(epoch: number, logs: Logs): void {
    this.epoch.push(epoch);
    for (const [key, value] of Object.entries(logs)) {
      if (!(key in this.history)) {
        this.history[key] = [];
        if (!(key in this)) Object.defineProperty(this, key, { get: () => this.history[key], enumerable: false });
      }
      this.history[key].push(value);
    }
  }
}
