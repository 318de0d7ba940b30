/**
 * `cosell unpack` / `cosell pack` without the file system: a solution zip's entries ⇄ the files of the
 * SolutionPackager (`pac solution unpack`) source layout. See README.md in this folder for the layout,
 * the order pack restores and what is refused.
 */
export { unpackSolution, type UnpackedFile } from './unpack.js';
export { packSolution } from './pack.js';
export { compareNames } from './paths.js';
export { SUPPORTED_COMPONENTS, type SupportedComponent, type Handling } from './components.js';
