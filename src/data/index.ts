export type { Dataset } from './types.js';
export { loadDigits, dataDir, type DigitsOptions } from './digits.js';
export { spirals, blobs, teacher, type SpiralsOptions, type BlobsOptions, type TeacherOptions } from './synthetic.js';
export { parseCsv, loadCsv, type CsvOptions } from './csv.js';
export { readIdx, encodeIdx, loadIdx, type IdxArray, type IdxType, type IdxData, type IdxDatasetOptions } from './idx.js';
export { oneHot, standardize, takeRows, trainTestSplit } from './util.js';
