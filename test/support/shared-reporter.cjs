// A jest reporter that says once, at the end of the run, why tests were skipped when ../shared is missing
// (test/support/fixtures.ts skips those tests; with COSELL_REQUIRE_SHARED=1 they run and fail instead).
// Plain CommonJS because jest loads reporters without the TypeScript transform.
const { existsSync } = require('node:fs');
const path = require('node:path');

class SharedReporter {
  constructor(globalConfig) {
    this.shared = path.resolve(globalConfig.rootDir, '..', 'shared');
  }

  onRunComplete(_contexts, results) {
    if (existsSync(path.join(this.shared, 'fixtures', 'real-solutions'))) return;
    const required = process.env.COSELL_REQUIRE_SHARED === '1';
    const line = required
      ? `../shared is REQUIRED (COSELL_REQUIRE_SHARED=1) but missing at ${this.shared}: the tests that read it failed.`
      : `${results.numPendingTests} tests skipped: ../shared (the team's reference exports and Microsoft's XSDs) is not beside this clone ` +
        `(looked at ${this.shared}). Clone it there to run them; CI sets COSELL_REQUIRE_SHARED=1, which fails them instead.`;
    process.stdout.write(`\n${line}\n`);
  }
}

module.exports = SharedReporter;
