import { runCli } from '../../scripts/cli.js';
import { captureIo, tempDir } from '../support/cli.js';
import { writeProjectConfig } from '../support/model.js';

describe('cosell simulate says what it rehearses', () => {
  test('without --zip: an in-memory build of the config, flows only, never a zip file name', async () => {
    const dir = await tempDir('simulate-label');
    await writeProjectConfig(dir);
    const io = captureIo(dir);
    expect(await runCli(['simulate', '--scenario', 'microsoft-accepts'], io)).toBe(0);
    expect(io.stdout[0]).toBe(
      'rehearsing an in-memory managed build of pac.config.json (flows only; the PCF control is not part of the rehearsal): 1 scenario\n',
    );
    expect(io.stdout.join('\n')).not.toContain('.zip');
  });

  test('durations read in units (never a raw count of milliseconds)', async () => {
    const dir = await tempDir('simulate-label');
    await writeProjectConfig(dir);
    const io = captureIo(dir);
    expect(await runCli(['simulate', '--scenario', 'unanswered-referral-expires'], io)).toBe(0);
    const out = io.stdout.join('\n');
    expect(out).toMatch(/calls from flows, 1[45] d \d{2} h of virtual time/);
    expect(out).not.toMatch(/\d{4,} ms/);
  });

  test('with --zip: the zip as the user named it', async () => {
    const dir = await tempDir('simulate-label');
    await writeProjectConfig(dir);
    expect(await runCli(['build', '--no-pcf', '--package-type', 'managed'], captureIo(dir))).toBe(0);
    const io = captureIo(dir);
    expect(await runCli(['simulate', '--zip', 'out/CoSellSync_1_0_0_0_managed.zip', '-s', 'microsoft-accepts'], io)).toBe(0);
    expect(io.stdout[0]).toBe('rehearsing out/CoSellSync_1_0_0_0_managed.zip: 1 scenario\n');
  });

  test('a --zip that does not exist is named as given, without a stack trace', async () => {
    const dir = await tempDir('simulate-label');
    await writeProjectConfig(dir);
    const io = captureIo(dir);
    expect(await runCli(['simulate', '--zip', 'nope.zip'], io)).toBe(1);
    expect(io.stderr.join('\n')).toBe('error: nope.zip: does not exist\n  fix: check the path; it must name an existing .zip file');
  });
});
