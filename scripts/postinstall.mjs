#!/usr/bin/env node
// Runs after `npm ci` / `npm install` at the root: installs the PCF control's own packages (pcf/ is a separate npm
// project), compiles the CLI into dist/ and links it as node_modules/.bin/cosell, so `npx cosell …` starts at once
// instead of npx installing this package into its cache first (which took over a minute).
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, rmSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const step = (message) => console.log(`cosell postinstall: ${message}`);
const run = (command, args) => spawnSync(command, args, { cwd: ROOT, stdio: 'inherit', env: { ...process.env, FORCE_COLOR: '0' } }).status;

step("installing the PCF control's packages (npm ci in pcf/, about 30 s)…");
if (run('npm', ['ci', '--prefix', 'pcf', '--no-audit', '--no-fund']) !== 0) process.exit(1);

step('compiling the CLI into dist/ (about 10 s)…');
if (run(process.execPath, [path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json']) !== 0) {
  // A tree that does not type-check still installs; `npm test` reports the errors.
  step('the CLI did not compile cleanly: `npm test` type-checks and names the errors');
}

const bin = path.join(ROOT, 'dist', 'scripts', 'bin.js');
if (existsSync(bin)) {
  chmodSync(bin, 0o755);
  const link = path.join(ROOT, 'node_modules', '.bin', 'cosell');
  mkdirSync(path.dirname(link), { recursive: true });
  rmSync(link, { force: true });
  symlinkSync(path.relative(path.dirname(link), bin), link);
  step('`npx cosell --help` lists the commands');
}
