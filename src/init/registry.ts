/**
 * Names → initializers. Every scheme answers to its Keras snake_case name, camelCase and ClassName
 * ('he_normal', 'heNormal', 'HeNormal'), plus Keras' aliases ('normal', 'uniform', 'one', 'zero',
 * 'OrthogonalInitializer', 'IdentityInitializer'). Lookup ignores case and underscores.
 */
import { describe } from '../tensor.js';
import {
  Constant, GlorotNormal, GlorotUniform, HeNormal, HeUniform, Identity, KaimingNormal, KaimingUniform,
  LecunNormal, LecunUniform, Ones, Orthogonal, RandomNormal, RandomUniform, Sparse, TorchDefault,
  TruncatedNormal, TruncNormal, VarianceScaling, XavierNormal, XavierUniform, Zeros,
  type KaimingOptions, type VarianceScalingOptions,
} from './schemes.js';
import type { Initializer, InitializerConfig } from './types.js';
import { knownKeys } from './validate.js';

type Seed = number | bigint | null;

interface Entry {
  name: string; // snake_case, as Keras spells it
  className: string;
  keys: readonly string[];
  create: (options: Record<string, unknown>) => Initializer;
}

const entries: Entry[] = [
  { name: 'zeros', className: 'Zeros', keys: [], create: () => new Zeros() },
  { name: 'ones', className: 'Ones', keys: [], create: () => new Ones() },
  { name: 'constant', className: 'Constant', keys: ['value'], create: (o) => new Constant(o) },
  { name: 'random_normal', className: 'RandomNormal', keys: ['mean', 'stddev', 'seed'], create: (o) => new RandomNormal(o) },
  { name: 'random_uniform', className: 'RandomUniform', keys: ['minval', 'maxval', 'seed'], create: (o) => new RandomUniform(o) },
  { name: 'truncated_normal', className: 'TruncatedNormal', keys: ['mean', 'stddev', 'seed'], create: (o) => new TruncatedNormal(o) },
  {
    name: 'variance_scaling', className: 'VarianceScaling', keys: ['scale', 'mode', 'distribution', 'seed'],
    create: (o) => new VarianceScaling(o as VarianceScalingOptions),
  },
  { name: 'glorot_uniform', className: 'GlorotUniform', keys: ['seed'], create: (o) => new GlorotUniform(o) },
  { name: 'glorot_normal', className: 'GlorotNormal', keys: ['seed'], create: (o) => new GlorotNormal(o) },
  { name: 'he_uniform', className: 'HeUniform', keys: ['seed'], create: (o) => new HeUniform(o) },
  { name: 'he_normal', className: 'HeNormal', keys: ['seed'], create: (o) => new HeNormal(o) },
  { name: 'lecun_uniform', className: 'LecunUniform', keys: ['seed'], create: (o) => new LecunUniform(o) },
  { name: 'lecun_normal', className: 'LecunNormal', keys: ['seed'], create: (o) => new LecunNormal(o) },
  { name: 'orthogonal', className: 'Orthogonal', keys: ['gain', 'seed'], create: (o) => new Orthogonal(o) },
  { name: 'identity', className: 'Identity', keys: ['gain'], create: (o) => new Identity(o) },
  { name: 'kaiming_uniform', className: 'KaimingUniform', keys: ['a', 'mode', 'nonlinearity', 'seed'], create: (o) => new KaimingUniform(o as KaimingOptions) },
  { name: 'kaiming_normal', className: 'KaimingNormal', keys: ['a', 'mode', 'nonlinearity', 'seed'], create: (o) => new KaimingNormal(o as KaimingOptions) },
  { name: 'xavier_uniform', className: 'XavierUniform', keys: ['gain', 'seed'], create: (o) => new XavierUniform(o) },
  { name: 'xavier_normal', className: 'XavierNormal', keys: ['gain', 'seed'], create: (o) => new XavierNormal(o) },
  { name: 'trunc_normal', className: 'TruncNormal', keys: ['mean', 'std', 'a', 'b', 'seed'], create: (o) => new TruncNormal(o) },
  { name: 'torch_default', className: 'TorchDefault', keys: ['seed'], create: (o) => new TorchDefault(o) },
  { name: 'sparse', className: 'Sparse', keys: ['sparsity', 'std', 'seed'], create: (o) => new Sparse(o) },
];

const ALIASES: Record<string, string> = {
  normal: 'random_normal',
  uniform: 'random_uniform',
  one: 'ones',
  zero: 'zeros',
  orthogonal_initializer: 'orthogonal',
  identity_initializer: 'identity',
};

/** Keras snake_case names of every scheme, in the order the README lists them. */
export const INITIALIZER_NAMES: readonly string[] = entries.map((e) => e.name);

const normalize = (name: string) => name.replace(/_/g, '').toLowerCase();
const byKey = new Map<string, Entry>();
for (const e of entries) {
  byKey.set(normalize(e.name), e);
  byKey.set(normalize(e.className), e);
}
for (const [alias, target] of Object.entries(ALIASES)) byKey.set(normalize(alias), byKey.get(normalize(target))!);

function lookup(name: string, where: string): Entry {
  const entry = byKey.get(normalize(name));
  if (!entry) {
    throw new RangeError(
      `${where}: unknown initializer '${name}'; valid names: ${INITIALIZER_NAMES.join(', ')} ` +
        `(also in camelCase or ClassName form, e.g. 'heNormal', 'HeNormal')`,
    );
  }
  return entry;
}

export type InitializerIdentifier = string | InitializerConfig | Initializer;

function isInitializer(x: object): x is Initializer {
  const o = x as Partial<Initializer>;
  return typeof o.sample === 'function' && typeof o.fill === 'function' && typeof o.getConfig === 'function';
}

/**
 * An initializer from a name ('he_normal' | 'heNormal' | 'HeNormal'), a serialized config
 * ({ className, config }, as getConfig() returns) or an Initializer (returned as is). `options`
 * are the scheme's Keras config keys (seed, stddev, …); with a config object they override its keys.
 */
export function getInitializer(identifier: InitializerIdentifier, options?: Record<string, unknown>): Initializer {
  const where = 'getInitializer';
  if (typeof identifier === 'string') {
    const entry = lookup(identifier, where);
    return entry.create(knownKeys(options, entry.keys, `${where}('${identifier}')`));
  }
  if (typeof identifier === 'object' && identifier !== null) {
    if (isInitializer(identifier)) {
      if (options !== undefined) throw new TypeError(`${where}: options cannot be applied to an Initializer instance; pass a name or a config instead`);
      return identifier;
    }
    const { className, config } = identifier as Partial<InitializerConfig>;
    if (typeof className !== 'string') {
      throw new TypeError(`${where}: expected a config object { className: string, config: object }, got className ${describe(className)}`);
    }
    if (config !== undefined && (typeof config !== 'object' || config === null || Array.isArray(config))) {
      throw new TypeError(`${where}: expected config of '${className}' to be an object, got ${describe(config)}`);
    }
    const entry = lookup(className, where);
    const merged = { ...knownKeys(config, entry.keys, `${where}(${className})`), ...knownKeys(options, entry.keys, `${where}(${className})`) };
    return entry.create(merged);
  }
  throw new TypeError(`${where}: expected an initializer name, a { className, config } object or an Initializer, got ${describe(identifier)}`);
}

/**
 * Factories for every scheme, named in camelCase as in TensorFlow.js:
 * `initializers.heNormal({ seed: 42 })`, `initializers.varianceScaling({ scale: 2, mode: 'fan_out' })`.
 */
/** Wraps a factory so unknown option keys are rejected for JavaScript callers too. */
function checked<O, T>(name: string, make: (options: O) => T): (options?: O) => T {
  const entry = lookup(name, 'initializers');
  return (options?: O) => make(knownKeys(options, entry.keys, `initializers.${name}`) as O);
}

export const initializers = {
  zeros: checked('zeros', () => new Zeros()),
  ones: checked('ones', () => new Ones()),
  constant: checked('constant', (o: { value?: number }) => new Constant(o)),
  randomNormal: checked('random_normal', (o: { mean?: number; stddev?: number; seed?: Seed }) => new RandomNormal(o)),
  randomUniform: checked('random_uniform', (o: { minval?: number; maxval?: number; seed?: Seed }) => new RandomUniform(o)),
  truncatedNormal: checked('truncated_normal', (o: { mean?: number; stddev?: number; seed?: Seed }) => new TruncatedNormal(o)),
  varianceScaling: checked('variance_scaling', (o: VarianceScalingOptions) => new VarianceScaling(o)),
  glorotUniform: checked('glorot_uniform', (o: { seed?: Seed }) => new GlorotUniform(o)),
  glorotNormal: checked('glorot_normal', (o: { seed?: Seed }) => new GlorotNormal(o)),
  heUniform: checked('he_uniform', (o: { seed?: Seed }) => new HeUniform(o)),
  heNormal: checked('he_normal', (o: { seed?: Seed }) => new HeNormal(o)),
  lecunUniform: checked('lecun_uniform', (o: { seed?: Seed }) => new LecunUniform(o)),
  lecunNormal: checked('lecun_normal', (o: { seed?: Seed }) => new LecunNormal(o)),
  orthogonal: checked('orthogonal', (o: { gain?: number; seed?: Seed }) => new Orthogonal(o)),
  identity: checked('identity', (o: { gain?: number }) => new Identity(o)),
  kaimingUniform: checked('kaiming_uniform', (o: KaimingOptions) => new KaimingUniform(o)),
  kaimingNormal: checked('kaiming_normal', (o: KaimingOptions) => new KaimingNormal(o)),
  xavierUniform: checked('xavier_uniform', (o: { gain?: number; seed?: Seed }) => new XavierUniform(o)),
  xavierNormal: checked('xavier_normal', (o: { gain?: number; seed?: Seed }) => new XavierNormal(o)),
  truncNormal: checked('trunc_normal', (o: { mean?: number; std?: number; a?: number; b?: number; seed?: Seed }) => new TruncNormal(o)),
  torchDefault: checked('torch_default', (o: { seed?: Seed }) => new TorchDefault(o)),
  sparse: checked('sparse', (o: { sparsity: number; std?: number; seed?: Seed }) => new Sparse(o)),
};
