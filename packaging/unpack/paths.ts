import { UserError } from '../../core/errors.js';

export { compareNames } from '../../core/package/order.js';

// Characters Windows refuses in file names (control characters are tested apart).
const UNSAFE_CHARACTER = /[<>:"|?*\\/]/;
const hasControlCharacter = (text: string): boolean => [...text].some((char) => char.charCodeAt(0) < 0x20);

/** True when `segment` can be used as one file or folder name on every platform. */
export const isSafeSegment = (segment: string): boolean =>
  segment !== '' &&
  segment !== '.' &&
  segment !== '..' &&
  !UNSAFE_CHARACTER.test(segment) &&
  !hasControlCharacter(segment) &&
  segment.trim() === segment;

/** True when `path` is relative, uses `/`, and every segment is safe (no `..`, no drive letters). */
export const isSafeRelativePath = (path: string): boolean => path.split('/').every(isSafeSegment);

/** A component name used as a file or folder name, refused when it would escape or break the layout. */
export function fileSegment(name: string | undefined, what: string, file: string, where: string): string {
  if (name === undefined || name === '') {
    throw new UserError(
      file,
      where,
      `${what} is missing, so the component has no file name in the unpacked layout`,
      `give the ${what}; Dataverse exports always carry it`,
    );
  }
  if (!isSafeSegment(name)) {
    throw new UserError(
      file,
      where,
      `${what} "${name}" cannot be used as a file name (it contains a path separator, "..", or a character Windows refuses)`,
      `rename the component so that its ${what} is a plain name`,
    );
  }
  return name;
}
