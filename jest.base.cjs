// Shared jest settings: TypeScript through SWC (no type checking here; `typecheck` does that).
const path = require('node:path');

/** @param {string} dir the package directory (pass __dirname) */
module.exports = function jestConfig(dir, overrides = {}) {
  return {
    rootDir: dir,
    testEnvironment: 'node',
    transform: {
      '^.+\\.(t|j)sx?$': ['@swc/jest', { jsc: { target: 'es2023', parser: { syntax: 'typescript' } }, module: { type: 'commonjs' } }],
    },
    transformIgnorePatterns: ['/node_modules/(?!\\.pnpm)'],
    testMatch: ['<rootDir>/tests/**/*.test.ts'],
    setupFiles: [path.join(__dirname, 'jest.setup.cjs')],
    ...overrides,
  };
};
