/**
 * Layering rules of src/ (see docs/architecture.md, "Layers"), checked by `npm run lint:deps`
 * (part of `npm test`). Each top-level folder may import only the folders below it, so no two
 * folders can import each other, directly or through a third.
 */
const FOUNDATION = '^src/(util/|io/|errors\\.ts$|exit-codes\\.ts$)';

/** folder → the src paths it may import besides itself, node built-ins and npm packages. */
const ALLOWED = {
  util: [],
  io: [],
  run: [FOUNDATION],
  scenario: [FOUNDATION, '^src/run/'],
  aws: [FOUNDATION],
  lab: [FOUNDATION],
  measurements: [FOUNDATION, '^src/run/', '^src/scenario/'],
  probes: [FOUNDATION, '^src/run/', '^src/scenario/', '^src/aws/'],
  reports: [FOUNDATION, '^src/run/', '^src/scenario/', '^src/aws/', '^src/measurements/'],
  experiments: [
    FOUNDATION,
    '^src/run/',
    '^src/scenario/',
    '^src/aws/',
    '^src/lab/',
    '^src/measurements/',
    '^src/probes/',
    '^src/reports/',
  ],
};

const layerRules = Object.entries(ALLOWED).map(([folder, allowed]) => ({
  name: `layer-${folder}`,
  comment: `src/${folder} may import only: ${allowed.join(', ') || 'nothing in src'} (docs/architecture.md, Layers)`,
  severity: 'error',
  from: { path: `^src/${folder}/` },
  to: {
    path: '^src/',
    pathNot: [`^src/${folder}/`, ...allowed],
  },
}));

module.exports = {
  forbidden: [
    ...layerRules,
    {
      name: 'no-circular',
      comment:
        'modules never import each other in a circle, not even through type imports (src/lab keeps two internal ones, in lab/rds)',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/lab/' },
      to: { circular: true },
    },
    {
      name: 'only-cli-imports-cli',
      comment: 'nothing outside src/cli imports the CLI: the library is usable without it',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/cli/' },
      to: { path: '^src/cli/' },
    },
    {
      name: 'cli-uses-public-api',
      comment: 'the CLI calls only the public library API (src/index.ts), nothing behind it',
      severity: 'error',
      from: { path: '^src/cli/' },
      to: { path: '^src/', pathNot: ['^src/cli/', '^src/index\\.ts$'] },
    },
    {
      name: 'index-is-not-imported',
      comment: 'src/index.ts is the public surface; library modules never import it',
      severity: 'error',
      from: { path: '^src/', pathNot: ['^src/cli/', '^src/index\\.ts$'] },
      to: { path: '^src/index\\.ts$' },
    },
    {
      name: 'aws-sdk-only-in-aws-and-lab',
      comment: 'SDK clients are built only in src/aws (call recording, error translation); the lab serves them',
      severity: 'error',
      from: { path: '^src/', pathNot: ['^src/aws/', '^src/lab/'] },
      to: { path: '(^|/)node_modules/@aws-sdk/' },
    },
    {
      name: 'measurements-are-pure',
      comment: 'measurements are pure functions of samples, read-backs and times: no I/O, no network, no AWS',
      severity: 'error',
      from: { path: '^src/measurements/' },
      to: {
        dependencyTypes: ['core'],
        path: '^(node:)?(fs|fs/promises|net|dns|dns/promises|http|https|http2|tls|dgram|child_process|worker_threads|cluster|readline|zlib|os)$',
      },
    },
    {
      name: 'run-contract-imports-only-foundation',
      comment: 'src/run (the run-directory contract) imports only src/util and src/errors.ts',
      severity: 'error',
      from: { path: '^src/run/' },
      to: { path: '^(src/|node_modules/)', pathNot: ['^src/run/', '^src/util/', '^src/errors\\.ts$'] },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
    },
  },
};
