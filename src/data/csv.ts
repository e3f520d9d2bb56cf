/**
 * A CSV loader for numeric tables: one sample per line, one label column (or none).
 *
 * Cells are split on the delimiter (no embedded delimiters or line breaks inside quotes: numeric
 * tables have none); surrounding whitespace and double quotes are stripped. Feature cells must be
 * finite decimal numbers; the label column may hold numbers (class ids when every value is a
 * non-negative integer, regression targets otherwise) or names (mapped to ids in order of first
 * appearance). Every row must have the header's number of cells.
 */
import { Tensor, describe } from '../tensor.js';
import type { Dataset } from './types.js';
import { readBytes } from './util.js';

export interface CsvOptions {
  /** First line is a header: true, false, or 'auto' (default: a header when any cell of line 1 is not a number). */
  header?: boolean | 'auto';
  /** Label column: index (negative counts from the end), header name, or null for none. Default −1 (last). */
  labelColumn?: number | string | null;
  /** Cell separator, one character. Default ','. */
  delimiter?: string;
  /** Dataset name (default: the file name). */
  name?: string;
}

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

function cells(line: string, delimiter: string): string[] {
  return line.split(delimiter).map((c) => {
    let s = c.trim();
    if (s.length >= 2 && s.startsWith('"') && s.endsWith('"')) s = s.slice(1, -1).trim();
    return s;
  });
}

function isNumber(s: string): boolean {
  return NUMBER.test(s) && Number.isFinite(Number(s));
}

/** Parses CSV text into a Dataset. See the module comment for the rules. */
export function parseCsv(text: string, options: CsvOptions = {}): Dataset {
  if (typeof text !== 'string') throw new TypeError(`parseCsv: expected text to be a string, got ${describe(text)}`);
  const { header = 'auto', labelColumn = -1, delimiter = ',' } = options;
  const name = options.name ?? 'csv';
  if (header !== true && header !== false && header !== 'auto') {
    throw new TypeError(`parseCsv: expected header to be true, false or 'auto', got ${describe(header)}`);
  }
  if (typeof delimiter !== 'string' || delimiter.length !== 1 || delimiter === '"' || delimiter === '\n' || delimiter === '\r') {
    throw new TypeError(`parseCsv: expected delimiter to be one character other than a quote or line break, got ${describe(delimiter)}`);
  }
  const lines = text.split(/\r?\n/);
  // Line numbers in messages are 1-based file lines, so skipped blank lines are counted.
  const rows: { cells: string[]; line: number }[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (lines[i].trim() === '') continue;
    rows.push({ cells: cells(lines[i], delimiter), line: i + 1 });
  }
  if (rows.length === 0) throw new RangeError(`parseCsv: ${name} holds no rows`);

  const first = rows[0];
  const hasHeader = header === 'auto' ? first.cells.some((c) => !isNumber(c)) : header;
  const columns = hasHeader ? first.cells : null;
  const body = hasHeader ? rows.slice(1) : rows;
  const width = first.cells.length;
  if (body.length === 0) throw new RangeError(`parseCsv: ${name} has a header but no data rows`);

  let label: number | null = null;
  if (labelColumn !== null) {
    if (typeof labelColumn === 'string') {
      if (!columns) throw new TypeError(`parseCsv: labelColumn ${JSON.stringify(labelColumn)} is a name but ${name} has no header`);
      label = columns.indexOf(labelColumn);
      if (label < 0) throw new RangeError(`parseCsv: no column named ${JSON.stringify(labelColumn)} in ${name}; columns are ${columns.join(', ')}`);
    } else if (typeof labelColumn === 'number' && Number.isInteger(labelColumn)) {
      if (labelColumn >= width || labelColumn < -width) {
        throw new RangeError(`parseCsv: labelColumn ${labelColumn} is outside the ${width} columns of ${name}`);
      }
      label = labelColumn < 0 ? width + labelColumn : labelColumn;
    } else {
      throw new TypeError(`parseCsv: expected labelColumn to be an integer, a column name or null, got ${describe(labelColumn)}`);
    }
  }
  const features = label === null ? width : width - 1;
  if (features === 0) throw new RangeError(`parseCsv: ${name} has no feature columns besides the label`);

  const n = body.length;
  const x = new Float32Array(n * features);
  const rawLabels: string[] = [];
  for (let r = 0; r < n; r++) {
    const { cells: row, line } = body[r];
    if (row.length !== width) {
      throw new RangeError(`parseCsv: ${name} line ${line} has ${row.length} cells, expected ${width} like line ${first.line}`);
    }
    let f = 0;
    for (let c = 0; c < width; c++) {
      if (c === label) {
        rawLabels.push(row[c]);
        continue;
      }
      const cell = row[c];
      if (!isNumber(cell)) {
        throw new TypeError(`parseCsv: ${name} line ${line} column ${c + 1}${columns ? ` (${columns[c]})` : ''}: expected a finite number, got ${JSON.stringify(cell)}`);
      }
      x[r * features + f++] = Number(cell);
    }
  }

  let labels: Int32Array | null = null;
  let numClasses = 0;
  let targets: Tensor | null = null;
  let classNames: string[] | undefined;
  if (label !== null) {
    const empty = rawLabels.findIndex((s) => s === '');
    if (empty >= 0) throw new TypeError(`parseCsv: ${name} line ${body[empty].line}: the label cell is empty`);
    if (rawLabels.every(isNumber)) {
      const values = rawLabels.map(Number);
      if (values.every((v) => Number.isInteger(v) && v >= 0 && v < 2 ** 31 - 1)) {
        labels = Int32Array.from(values);
        numClasses = values.reduce((m, v) => Math.max(m, v), 0) + 1;
      } else {
        targets = new Tensor(Float32Array.from(values), [n, 1]);
      }
    } else {
      const ids = new Map<string, number>();
      labels = new Int32Array(n);
      rawLabels.forEach((s, r) => {
        let id = ids.get(s);
        if (id === undefined) ids.set(s, (id = ids.size));
        labels![r] = id;
      });
      classNames = [...ids.keys()];
      numClasses = classNames.length;
    }
  }
  return {
    name,
    x: new Tensor(x, [n, features]),
    labels,
    numClasses,
    targets,
    ...(classNames ? { classNames } : {}),
  };
}

/** Loads a CSV file (plain or gzip-compressed) into a Dataset. */
export function loadCsv(path: string | Uint8Array, options: CsvOptions = {}): Dataset {
  const { bytes, name } = readBytes(path, 'loadCsv');
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new TypeError(`loadCsv: ${name} is not UTF-8 text (is it a binary file, such as an IDX file?)`);
  }
  return parseCsv(text, { name, ...options });
}
