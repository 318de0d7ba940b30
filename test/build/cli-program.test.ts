import { readFileSync } from 'node:fs';
import { runCli } from '../../scripts/cli.js';
import { projectFile } from '../../core/paths.js';
import { captureIo } from '../support/cli.js';

const COMMANDS = ['build', 'check', 'unpack', 'pack', 'simulate', 'settings', 'deploy', 'promote', 'status', 'emulate', 'diff'];

async function run(args: string[]) {
  const io = captureIo(process.cwd());
  const code = await runCli(args, io);
  return { code, out: io.stdout.join(''), err: io.stderr.join('') };
}

describe('cosell (the program)', () => {
  test.each([['--version'], ['-V']])('%s prints the package version and exits 0', async (flag) => {
    const { version } = JSON.parse(readFileSync(projectFile('package.json'), 'utf8')) as { version: string };
    expect(await run([flag])).toEqual({ code: 0, out: `${version}\n`, err: '' });
  });

  test('--help lists every command and the version flag, and promises no command it lacks', async () => {
    const help = await run(['--help']);
    expect(help.code).toBe(0);
    expect(help.out).toContain('-V, --version');
    const listed = [...help.out.slice(help.out.indexOf('Commands:')).matchAll(/^ {2}(\w+)/gm)].map((match) => match[1]);
    expect(listed).toEqual([...COMMANDS, 'help']);
    expect(help.out).not.toMatch(/\bship\b/);
  });

  test.each(COMMANDS)('%s --help shows no noise defaults (false, [])', async (command) => {
    const help = await run([command, '--help']);
    expect(help.code).toBe(0);
    expect(help.out).toContain(`Usage: cosell ${command}`);
    expect(help.out).not.toContain('(default: false)');
    expect(help.out).not.toContain('(default: [])');
  });

  test('an unknown command is refused with the list of commands', async () => {
    const result = await run(['publish']);
    expect(result.code).toBe(1);
    expect(result.err).toContain("error: unknown command 'publish'");
  });
});
