/** Browser tests: real headless Chromium through playwright-core. `npm run test:browser`. */
const base = require('./jest.config');
module.exports = {
  ...base,
  testPathIgnorePatterns: ['/node_modules/'],
  roots: ['<rootDir>/tests/browser'],
  maxWorkers: 1,
};
