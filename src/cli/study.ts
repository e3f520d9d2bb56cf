/** `fanin study`: the initialization lesson, measured. Uses only the public API. */
import { writeFileSync, readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { Command, InvalidArgumentError, Option } from 'commander';
import { study, loadCsv, loadIdx, setBackend, STUDY_INITS, STUDY_DEFAULTS, type StudyOptions, type StudyProgress, type Dataset } from '../index.js';
import { formatStudy, studyHtml } from './report.js';

function integer(min: number, max = Number.MAX_SAFE_INTEGER) {
  return (value: string): number => {
    if (!/^\d+$/.test(value.trim())) throw new InvalidArgumentError(`expected an integer in [${min}, ${max}], got '${value}'.`);
    const n = Number(value);
    if (n < min || n > max) throw new InvalidArgumentError(`expected an integer in [${min}, ${max}], got ${n}.`);
    return n;
  };
}

function positive(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n <= 0) throw new InvalidArgumentError(`expected a positive number, got '${value}'.`);
  return n;
}

function list(value: string, previous: string[] | undefined): string[] {
  const names = value.split(',').map((s) => s.trim()).filter((s) => s !== '');
  if (names.length === 0) throw new InvalidArgumentError(`expected a comma-separated list of initializer names, got '${value}'.`);
  return [...(previous ?? []), ...names];
}

/** IDX files start with two zero bytes (after gunzip); anything else is read as CSV. */
function isIdx(path: string): boolean {
  let bytes: Uint8Array = readFileSync(path);
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) bytes = gunzipSync(bytes);
  return bytes.length >= 4 && bytes[0] === 0 && bytes[1] === 0;
}

function loadDataFile(path: string, labels: string | undefined, labelColumn: string | undefined): Dataset {
  if (labels !== undefined || isIdx(path)) {
    if (labels === undefined) throw new Error(`${path} is an IDX file: give its labels file with --labels <file>`);
    return loadIdx(path, labels);
  }
  const col = labelColumn === undefined ? -1 : /^-?\d+$/.test(labelColumn) ? Number(labelColumn) : labelColumn;
  return loadCsv(path, { labelColumn: col });
}

class ProgressBar {
  private readonly tty = Boolean(process.stderr.isTTY);
  private lastRun = -1;
  private drawn = 0;

  update(p: StudyProgress): void {
    const total = p.runs * Math.max(1, p.epochs);
    const done = p.run * Math.max(1, p.epochs) + Math.min(p.epoch, Math.max(1, p.epochs));
    if (this.tty) {
      const now = Date.now();
      if (now - this.drawn < 80 && p.epoch !== p.epochs) return;
      this.drawn = now;
      const width = 24;
      const filled = Math.round((width * done) / total);
      const loss = p.loss === undefined ? '' : ` loss ${p.loss.toFixed(4)}`;
      const line = `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${String(Math.round((100 * done) / total)).padStart(3)}% ${p.net} ${p.init} epoch ${p.epoch}/${p.epochs}${loss}`;
      process.stderr.write(`\r${line.padEnd(100)}`);
    } else if (p.run !== this.lastRun) {
      this.lastRun = p.run;
      process.stderr.write(`study: run ${p.run + 1}/${p.runs}: ${p.net} ${p.init}\n`);
    }
  }

  end(): void {
    if (this.tty) process.stderr.write(`\r${' '.repeat(100)}\r`);
  }
}

interface CliOptions {
  depth?: number;
  width?: number;
  activation?: string;
  init?: string[];
  epochs?: number;
  batchSize?: number;
  lr?: number;
  optimizer?: string;
  dataset?: string;
  data?: string;
  labels?: string;
  labelColumn?: string;
  seed?: number;
  quick?: boolean;
  report?: string;
  json?: string;
  backend?: string;
  progress: boolean;
}

/** Adds the `study` command to the `fanin` program. */
export function registerStudy(program: Command): void {
  program
    .command('study')
    .description('train the same deep nets from different initializers and show what each does (the lesson, measured)')
    .option('--depth <n>', 'hidden layers (default: 30 for the ReLU net, 10 for the tanh net)', integer(1, 1000))
    .option('--width <n>', 'units per hidden layer (default 256)', integer(1, 65_536))
    .addOption(new Option('--activation <name>', 'hidden activation for every net').choices(['relu', 'tanh', 'leaky_relu', 'elu', 'selu', 'gelu', 'sigmoid', 'linear']))
    .option('--init <list>', `initializers, comma-separated (default ${STUDY_INITS.join(',')})`, list)
    .option('--epochs <n>', `epochs (default ${STUDY_DEFAULTS.epochs})`, integer(0, 100_000))
    .option('--batch-size <n>', `batch size (default ${STUDY_DEFAULTS.batchSize})`, integer(1, 1_000_000))
    .option('--lr <x>', `learning rate (default ${STUDY_DEFAULTS.learningRate} for sgd, 0.001 otherwise)`, positive)
    .addOption(new Option('--optimizer <name>', 'optimizer (default sgd with momentum 0.9)').choices(['sgd', 'adam', 'rmsprop', 'adamw']))
    .addOption(new Option('--dataset <name>', 'built-in dataset (default digits)').choices(['digits', 'spirals', 'blobs', 'teacher']).conflicts('data'))
    .option('--data <file>', 'your own data: a CSV file (label in the last column) or an IDX images file (with --labels)')
    .option('--labels <file>', 'IDX labels file for --data')
    .option('--label-column <col>', 'CSV label column: index (negative from the end) or header name')
    .option('--seed <n>', `seed (default ${STUDY_DEFAULTS.seed})`, integer(0))
    .option('--quick', 'a fast, smaller run (width 64, 2 epochs, 512 training rows)')
    .option('--report <file>', 'write a self-contained HTML report with SVG plots')
    .option('--json <file>', 'write every number as JSON')
    .addOption(new Option('--backend <name>', 'backend').choices(['auto', 'native', 'reference']))
    .option('--no-progress', 'no progress bar on stderr')
    .action(async (opts: CliOptions) => {
      if (opts.labels !== undefined && opts.data === undefined) throw new Error('--labels needs --data <images file>');
      if (opts.labelColumn !== undefined && opts.data === undefined) throw new Error('--label-column needs --data <csv file>');
      if (opts.backend) setBackend(opts.backend as 'auto' | 'native' | 'reference');
      const options: StudyOptions = {};
      if (opts.depth !== undefined) options.depth = opts.depth;
      if (opts.width !== undefined) options.width = opts.width;
      if (opts.activation !== undefined) options.activation = opts.activation as StudyOptions['activation'];
      if (opts.init !== undefined) options.inits = opts.init;
      if (opts.epochs !== undefined) options.epochs = opts.epochs;
      if (opts.batchSize !== undefined) options.batchSize = opts.batchSize;
      if (opts.lr !== undefined) options.learningRate = opts.lr;
      if (opts.optimizer !== undefined) options.optimizer = opts.optimizer as StudyOptions['optimizer'];
      if (opts.seed !== undefined) options.seed = opts.seed;
      if (opts.quick) options.quick = true;
      if (opts.data !== undefined) options.dataset = loadDataFile(opts.data, opts.labels, opts.labelColumn);
      else if (opts.dataset !== undefined) options.dataset = opts.dataset as StudyOptions['dataset'];
      const bar = opts.progress ? new ProgressBar() : null;
      if (bar) options.onProgress = (p) => bar.update(p);
      let result;
      try {
        result = await study(options);
      } finally {
        bar?.end();
      }
      process.stdout.write(formatStudy(result));
      if (opts.json) {
        writeFileSync(opts.json, JSON.stringify(result, null, 2) + '\n');
        process.stderr.write(`study: wrote ${opts.json}\n`);
      }
      if (opts.report) {
        writeFileSync(opts.report, studyHtml(result));
        process.stderr.write(`study: wrote ${opts.report}\n`);
      }
    });
}
