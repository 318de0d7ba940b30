import { readFile } from 'node:fs/promises';
import { unzipSync, zipSync, type Zippable } from 'fflate';
import { UserError } from '../errors.js';

/** One file inside a zip, in the order the archive lists it. */
export interface ZipEntry {
  name: string;
  data: Uint8Array;
}

/**
 * Every entry gets this modification time. It is built from local-time fields on purpose: the zip format
 * stores local DOS date/time fields and fflate reads them with the local getters, so this gives the same
 * bytes in every time zone (a UTC instant would not).
 */
const FIXED_MTIME = new Date(2000, 0, 1, 0, 0, 0);
const DEFLATE_LEVEL = 6;

/** Builds a zip whose bytes depend only on the entries and their order: fixed timestamps, fixed level. */
export function writeZip(entries: readonly ZipEntry[]): Uint8Array {
  const files: Zippable = {};
  const seen = new Set<string>();
  for (const entry of entries) {
    if (seen.has(entry.name)) throw new Error(`duplicate zip entry ${entry.name}`);
    seen.add(entry.name);
    files[entry.name] = [entry.data, { level: DEFLATE_LEVEL, mtime: FIXED_MTIME }];
  }
  return zipSync(files);
}

/** Reads a zip into its file entries in archive order (folder entries are skipped). */
export function readZip(bytes: Uint8Array, label: string): ZipEntry[] {
  const order: string[] = [];
  let files: Record<string, Uint8Array>;
  try {
    files = unzipSync(bytes, {
      filter: (file) => {
        order.push(file.name);
        return true;
      },
    });
  } catch (error) {
    throw new UserError(
      label,
      undefined,
      `is not a readable zip archive (${(error as Error).message})`,
      'give the .zip file exported from Dataverse or built by `cosell build`; re-download it if it was truncated',
    );
  }
  return order
    .filter((name) => !name.endsWith('/'))
    .map((name) => ({ name: name.replace(/\\/g, '/'), data: files[name] ?? new Uint8Array() }));
}

export async function readZipFile(file: string): Promise<ZipEntry[]> {
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (error) {
    throw new UserError(
      file,
      undefined,
      `cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`,
      'check the path; it must name an existing .zip file',
    );
  }
  return readZip(bytes, file);
}

const decoder = new TextDecoder('utf-8');
/** Decodes UTF-8 text, dropping a leading BOM (Dataverse writes one on some files). */
export function decodeText(data: Uint8Array): string {
  const text = decoder.decode(data);
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

export const encodeText = (text: string): Uint8Array => new TextEncoder().encode(text);
