const base = require('../../jest/base.cjs')(__dirname);

const swc = base.transform['^.+\\.(t|j)sx?$'];

module.exports = {
  ...base,
  transform: {
    ...base.transform,
    // The end-to-end tests open PGlite tenant databases in this process. PGlite's CommonJS build loads
    // node built-ins with import(), which jest's CommonJS runtime cannot run; compiling it turns those
    // into require() (the same setting as packages/tenant-db).
    '/@electric-sql/pglite/dist/.+\\.cjs$': swc,
  },
  transformIgnorePatterns: ['/node_modules/(?!\\.pnpm|@electric-sql/pglite/)'],
};
