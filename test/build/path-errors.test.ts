import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { UserError } from '../../core/errors.js';
import { pathObstacle, writeFailure, type WriteTarget } from '../../core/io/path-errors.js';
import { tempDir } from '../support/cli.js';

const errno = (code: string): NodeJS.ErrnoException => Object.assign(new Error(`${code}: something`), { code });

describe('write targets', () => {
  test('a free path, an existing folder for a folder, an existing file for a file: no obstacle', async () => {
    const dir = await tempDir('paths');
    await writeFile(path.join(dir, 'a.zip'), 'x');
    const at = (shown: string, kind: WriteTarget['kind']): WriteTarget => ({ target: path.join(dir, shown), shown, option: '--x', kind });
    expect(await pathObstacle(at('new/deeper/b.zip', 'file'))).toBeUndefined();
    expect(await pathObstacle(at('a.zip', 'file'))).toBeUndefined();
    expect(await pathObstacle({ target: dir, shown: '.', option: '--x', kind: 'folder' })).toBeUndefined();
  });

  test('a file in the way is named as the user wrote the path', async () => {
    const dir = await tempDir('paths');
    await mkdir(path.join(dir, 'a'));
    await writeFile(path.join(dir, 'a', 'b'), 'x');
    const obstacle = await pathObstacle({
      target: path.join(dir, 'a', 'b', 'c', 'd.zip'),
      shown: './a/b/c/d.zip',
      option: '--zipfile',
      kind: 'file',
    });
    expect(obstacle?.message).toBe(
      './a/b/c/d.zip: cannot be created: a/b is a file, not a folder\n  fix: give --zipfile a path whose folders are folders, or move a/b away',
    );
  });

  test.each([
    ['EACCES', 'cannot be written: permission denied (EACCES)', 'choose a location you can write to'],
    ['ENOSPC', 'cannot be written: the disk is full (ENOSPC)', 'free some space'],
    ['EROFS', 'cannot be written: the file system is read-only (EROFS)', 'writable disk'],
    ['EIO', 'cannot be written: EIO: EIO: something', 'check the path given to --out'],
  ])('%s becomes a UserError naming the path and a fix', async (code, problem, fix) => {
    const dir = await tempDir('paths');
    const error = await writeFailure(errno(code), { target: path.join(dir, 'out'), shown: 'out', option: '--out', kind: 'folder' });
    expect(error).toBeInstanceOf(UserError);
    expect(error).toMatchObject({ file: 'out', problem });
    expect((error as UserError).fix).toContain(fix);
  });

  test('an error that is not a file-system error is passed on unchanged (a bug keeps its stack)', async () => {
    const bug = new TypeError('x is undefined');
    expect(
      await writeFailure(bug, { target: path.resolve('never-written'), shown: 'never-written', option: '--out', kind: 'folder' }),
    ).toBe(bug);
  });
});
