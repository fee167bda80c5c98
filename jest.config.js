// Nest 12 packages are ESM-only and Jest (on Node 20) cannot require() ESM, so @swc/jest turns them,
// and our TypeScript (legacy decorators + metadata, as tsc emits them), into CommonJS for the test run.
// Type checking is not skipped: `npm test` runs `tsc --noEmit` over src, libs, test and bench first.
const swc = [
  '@swc/jest',
  {
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      target: 'es2023',
    },
    module: { type: 'commonjs' },
  },
];

module.exports = {
  testEnvironment: 'node',
  transform: { '^.+\\.(t|j|mj)s$': swc },
  transformIgnorePatterns: ['/node_modules/(?!(@nestjs|uid)/)'],
  moduleFileExtensions: ['ts', 'js', 'mjs', 'json'],
  testRegex: '.*\\.(spec|int-spec|e2e-spec)\\.ts$',
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
  globalSetup: '<rootDir>/test/global-setup.ts',
  globalTeardown: '<rootDir>/test/global-teardown.ts',
  testTimeout: 30_000,
  // One worker per core (jest's default leaves one idle): each test makes its own shop, Page, SQLite file and
  // MariaDB rows, so files run side by side; most of a file's time is waiting on HTTP, the sandbox and the
  // databases. On 2 cores: 393 s against about 820 s for the whole suite.
  maxWorkers: '100%',
};
