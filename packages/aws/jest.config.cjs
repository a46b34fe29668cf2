module.exports = require('../../jest/base.cjs')(__dirname, {
  // Integration tests start the fauxqs emulator in a child process, which can be slow on a loaded machine.
  testTimeout: 30_000,
});
