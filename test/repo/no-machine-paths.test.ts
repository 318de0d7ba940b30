import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { projectFile } from '../../core/paths.js';

/**
 * No path of one machine in the repository: a file that names a checkout folder, a home folder or a temp folder
 * works on the machine it was written on and nowhere else (a test once read the shared folder by such a path).
 */
export const MACHINE_PATH =
  /(?<![\w.])(?:\/work\/|\/home\/[\w.-]+\/|\/Users\/[\w.-]+\/|\/root\/\.|\/tmp\/[\w.-]|\/mnt\/[a-z]\/|[A-Za-z]:\\(?:Users|work)\\)/;

const SKIPPED_DIRS = new Set(['node_modules', '.git', 'dist', 'out', 'obj', 'test-artifacts', 'coverage']);
// The lockfiles hold registry URLs only; the XSDs are Microsoft's byte copies; pac.config.json is the user's (tests may
// not read it, and it holds URLs and ids, not paths).
// This file holds examples of what it looks for.
const SKIPPED_FILES = /(?:^|\/)package-lock\.json$|\.xsd$|^pac\.config\.json$|^test\/repo\/no-machine-paths\.test\.ts$/;

/** The files a clone holds: git's list when there is a checkout, else a walk that skips build output. */
function repositoryFiles(root: string): string[] {
  try {
    return execFileSync('git', ['ls-files', '-z'], { cwd: root, encoding: 'utf8' }).split('\0').filter(Boolean);
  } catch {
    const found: string[] = [];
    const walk = (dir: string): void => {
      for (const name of readdirSync(path.join(root, dir))) {
        const relative = path.join(dir, name);
        if (statSync(path.join(root, relative)).isDirectory()) {
          if (!SKIPPED_DIRS.has(name)) walk(relative);
        } else found.push(relative);
      }
    };
    walk('');
    return found;
  }
}

export function machinePaths(files: ReadonlyArray<{ name: string; text: string }>): string[] {
  const hits: string[] = [];
  for (const { name, text } of files) {
    if (SKIPPED_FILES.test(name)) continue;
    text.split('\n').forEach((line, index) => {
      const match = MACHINE_PATH.exec(line);
      if (match) hits.push(`${name}:${index + 1}: ${match[0]}`);
    });
  }
  return hits;
}

describe('no path of one machine in the repository', () => {
  test('no tracked file names one', () => {
    const root = projectFile();
    const files = repositoryFiles(root)
      .filter((name) => !SKIPPED_FILES.test(name))
      .map((name) => ({ name, text: readFileSync(path.join(root, name), 'latin1') }));
    expect(files.length).toBeGreaterThan(100);
    expect(machinePaths(files)).toEqual([]);
  });

  // The examples are assembled so that this file itself names no such path.
  const slash = (...parts: string[]): string => parts.join('/');
  test.each([
    [`const DIRECTORY = '${slash('', 'work', 'shared', 'fixtures')}';`, slash('', 'work', '')],
    [`see ${slash('', 'home', 'alice', 'cosell')}`, slash('', 'home', 'alice', '')],
    ['"C:\\Users\\bob\\cosell"', 'C:\\Users\\'],
    ['cache in /root/.npm', '/root/.'],
    ["mkdtemp('/tmp/cosell-')", '/tmp/c'],
  ])('finds %s', (line, found) => {
    expect(machinePaths([{ name: 'x.ts', text: line }])).toEqual([`x.ts:1: ${found}`]);
  });

  test.each(["doc.get('/root/text')", 'https://example.com/work/item', "path.join(os.tmpdir(), 'cosell-')", '../shared/docs/alm.md'])(
    'leaves %s alone',
    (line) => {
      expect(machinePaths([{ name: 'x.ts', text: line }])).toEqual([]);
    },
  );
});
