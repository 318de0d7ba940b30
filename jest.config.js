/** Jest runs the TypeScript sources as ES modules (libxml2-wasm and uuid ship ESM only). */
export default {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: { '^.+\\.ts$': ['ts-jest', { useESM: true, diagnostics: false }] },
  testTimeout: 60000,
  setupFiles: ['<rootDir>/test/support/guard-user-config.cjs'],
  setupFilesAfterEnv: ['<rootDir>/test/support/temp-dirs.ts'],
  reporters: ['default', '<rootDir>/test/support/shared-reporter.cjs'],
};
