import { arityProblem, FUNCTIONS, lookupFunction, templateExpressions, type Expression } from '../expressions/index.js';
import type { RuleInput } from './rule.js';
import { ownerLabel, type ExpressionSite, type SiteCall } from './sites.js';
import { ruleFinding, type RuleFinding } from './types.js';

/**
 * Rule family 3, expressions (flows-and-pcf §3.8): every expression parses, calls only functions of the
 * catalogue (names ignore case) with an argument count the function accepts, and stays within the
 * engine's length limit.
 */

/** Logic Apps limit on the characters of one expression. */
const MAX_EXPRESSION_LENGTH = 8192;
const EXCERPT_RADIUS = 20;
const MAX_SUGGESTION_DISTANCE = 2;

export function checkExpressions({ sites, calls }: RuleInput): RuleFinding[] {
  return [...sites.flatMap(checkSyntax), ...sites.flatMap(checkLength), ...calls.flatMap(checkCall)];
}

function checkSyntax(site: ExpressionSite): RuleFinding[] {
  if (!site.error) return [];
  const { offset, reason } = site.error;
  return [
    ruleFinding(
      'expression-syntax',
      site.path,
      `${ownerLabel(site.owner)}: the expression ${excerpt(site.value, offset)} does not parse: ${reason} (offset ${offset})`,
      "correct the expression: strings in single quotes with '' for a quote, balanced parentheses, functions called by name without @",
    ),
  ];
}

/** `"…text around ⟦here⟧ the error…"` */
function excerpt(value: string, offset: number): string {
  const start = Math.max(0, offset - EXCERPT_RADIUS);
  const end = Math.min(value.length, offset + EXCERPT_RADIUS);
  return `"${start > 0 ? '…' : ''}${value.slice(start, offset)}⟦here⟧${value.slice(offset, end)}${end < value.length ? '…' : ''}"`;
}

const lengthOf = (expression: Expression): number => expression.span.end - expression.span.start;

function checkLength(site: ExpressionSite): RuleFinding[] {
  return (site.template ? templateExpressions(site.template) : [])
    .filter((expression) => lengthOf(expression) > MAX_EXPRESSION_LENGTH)
    .map((expression) =>
      ruleFinding(
        'expression-too-long',
        site.path,
        `${ownerLabel(site.owner)}: an expression of ${lengthOf(expression)} characters exceeds the limit of ${MAX_EXPRESSION_LENGTH}`,
        'split it into Compose actions and refer to their outputs()',
      ),
    );
}

function checkCall({ site, call }: SiteCall): RuleFinding[] {
  const spec = lookupFunction(call.name);
  if (!spec) {
    const suggestion = closestFunction(call.name);
    return [
      ruleFinding(
        'expression-function-unknown',
        site.path,
        `${ownerLabel(site.owner)}: ${call.name}() at offset ${call.span.start} is not a workflow expression function${suggestion ? ` (did you mean ${suggestion}?)` : ''}`,
        suggestion ? `call ${suggestion}()` : 'use a function from the workflow-definition-language functions reference',
      ),
    ];
  }
  const problem = arityProblem(spec, call.args.length);
  return problem
    ? [
        ruleFinding(
          'expression-arity',
          site.path,
          `${ownerLabel(site.owner)}: ${call.name}() at offset ${call.span.start}: ${problem}`,
          `call it as ${spec.signature}`,
        ),
      ]
    : [];
}

function closestFunction(name: string): string | undefined {
  let best: { name: string; distance: number } | undefined;
  for (const spec of FUNCTIONS) {
    const distance = editDistance(name.toLowerCase(), spec.name.toLowerCase());
    if (distance <= MAX_SUGGESTION_DISTANCE && (!best || distance < best.distance)) best = { name: spec.name, distance };
  }
  return best?.name;
}

/** Levenshtein distance, one row at a time. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i += 1) {
    const current = [i];
    for (let j = 1; j <= b.length; j += 1) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length]!;
}
