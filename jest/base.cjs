// Shared jest settings: TypeScript through SWC (no type checking here; `typecheck` does that).
const path = require('node:path');

const swc = [
  '@swc/jest',
  { jsc: { target: 'es2023', parser: { syntax: 'typescript' } }, module: { type: 'commonjs' } },
];

/** @param {string} dir the package directory (pass __dirname) */
module.exports = function jestConfig(dir, overrides = {}) {
  return {
    rootDir: dir,
    testEnvironment: 'node',
    transform: {
      '^.+\\.(t|j)sx?$': swc,
      // PGlite's CommonJS build loads node built-ins with import(), which jest's CommonJS runtime
      // cannot run; compiling it turns those into require().
      '/@electric-sql/pglite/dist/.+\\.cjs$': swc,
    },
    transformIgnorePatterns: ['/node_modules/(?!\\.pnpm|@electric-sql/pglite/)'],
    // tedious (under mssql) requires @azure/identity, whose dependencies are ESM-only; see the stub.
    moduleNameMapper: { '^@azure/identity$': path.join(__dirname, 'azure-identity-stub.cjs') },
    testMatch: ['<rootDir>/tests/**/*.test.ts'],
    setupFiles: [path.join(__dirname, 'setup.cjs')],
    ...overrides,
  };
};
