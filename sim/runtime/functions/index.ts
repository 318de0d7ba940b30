/**
 * The implementations of the catalogued WDL functions (flows/expressions/functions.ts), by family. A
 * catalogued function missing here fails the run with an UnimplementedFunctionError; `if` is evaluated
 * lazily by the evaluator itself.
 */
import { COLLECTION_FUNCTIONS } from './collection.js';
import { CONVERSION_FUNCTIONS } from './conversion.js';
import { DATE_FUNCTIONS } from './date.js';
import { LOGICAL_FUNCTIONS } from './logical.js';
import { MANIPULATION_FUNCTIONS } from './manipulation.js';
import { MATH_FUNCTIONS } from './math.js';
import { STRING_FUNCTIONS } from './string.js';
import type { FunctionImpl } from './support.js';
import { URI_FUNCTIONS } from './uri.js';
import { WORKFLOW_FUNCTIONS } from './workflow.js';
import { XML_FUNCTIONS } from './xml.js';

/** Functions the evaluator handles itself (lazy argument evaluation). */
export const LAZY_FUNCTIONS: ReadonlySet<string> = new Set(['if']);

const FAMILIES: ReadonlyArray<Readonly<Record<string, FunctionImpl>>> = [
  STRING_FUNCTIONS,
  COLLECTION_FUNCTIONS,
  LOGICAL_FUNCTIONS,
  CONVERSION_FUNCTIONS,
  MATH_FUNCTIONS,
  DATE_FUNCTIONS,
  WORKFLOW_FUNCTIONS,
  URI_FUNCTIONS,
  MANIPULATION_FUNCTIONS,
  XML_FUNCTIONS,
];

/** Implementations by lower-case name. */
export const IMPLEMENTATIONS: ReadonlyMap<string, FunctionImpl> = new Map(
  FAMILIES.flatMap((family) => Object.entries(family)).map(([name, impl]) => [name.toLowerCase(), impl]),
);

/** Lower-case names of the catalogued functions the simulator implements (the lazy ones included). */
export const implementedFunctionNames = (): string[] => [...IMPLEMENTATIONS.keys(), ...LAZY_FUNCTIONS].sort();
