/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/tests'],
  testMatch: ['**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/tests/browser/'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json', diagnostics: false }] },
  setupFiles: ['<rootDir>/tests/helpers/setup-env.ts'],
  // Each test file boots its own database (PGlite in memory, or a fresh PostgreSQL database).
  maxWorkers: 2,
  testTimeout: 120_000,
};
