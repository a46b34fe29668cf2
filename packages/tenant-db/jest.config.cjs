const base = require('../../jest.base.cjs')(__dirname);

const swc = base.transform['^.+\\.(t|j)sx?$'];

module.exports = {
  ...base,
  transform: {
    ...base.transform,
    // PGlite's CommonJS build loads node built-ins with import(), which jest's CommonJS runtime cannot
    // run; compiling it turns those into require().
    '/@electric-sql/pglite/dist/.+\\.cjs$': swc,
  },
  transformIgnorePatterns: ['/node_modules/(?!\\.pnpm|@electric-sql/pglite/)'],
  // tedious (under mssql) requires @azure/identity, whose dependencies are ESM-only; see the stub.
  moduleNameMapper: { '^@azure/identity$': '<rootDir>/tests/support/azure-identity-stub.cjs' },
};
