import { runCli } from '../../scripts/cli.js';
import { captureIo, tempDir } from '../support/cli.js';
import { writeProjectConfig } from '../support/model.js';

describe('cosell simulate', () => {
  test('runs named scenarios on a fresh build, prints expectations and a summary, exit 0', async () => {
    const dir = await tempDir('simulate');
    await writeProjectConfig(dir);
    const io = captureIo(dir);
    expect(await runCli(['simulate', '--scenario', 'validation-failures', 'microsoft-accepts', '--verbose'], io)).toBe(0);
    const out = io.stdout.join('\n');
    expect(out).toContain('PASS  validation-failures');
    expect(out).toContain('✓ Audit names the missing country code');
    expect(out).toMatch(/timeline:\n {4}09:00:00\.\d{3} {2}flow {3}Succeeded Partner Center Webhook Registration/);
    expect(out.trim().split('\n').pop()).toBe('2 passed, 0 failed');
  });

  test('an unknown scenario is a clear error', async () => {
    const io = captureIo(process.cwd());
    expect(await runCli(['simulate', '--scenario', 'nope'], io)).toBe(1);
    expect(io.stderr.join('')).toContain('--scenario: unknown scenario "nope"');
  });
});
