/** After each test file: remove the temporary folders its tests made with tempDir(), so runs leave nothing behind. */
import { rm } from 'node:fs/promises';
import { afterAll } from '@jest/globals';
import { TEMP_DIRS } from './cli.js';

afterAll(async () => {
  await Promise.all(TEMP_DIRS.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});
