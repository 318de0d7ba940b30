/** WDL expressions: syntax tree, scanner, parser and function catalogue (flows-and-pcf §3.8). */
export type {
  BooleanLiteral,
  Expression,
  ExpressionTemplate,
  FunctionCall,
  InterpolationTemplate,
  Literal,
  LiteralTemplate,
  MemberAccess,
  NullLiteral,
  NumberLiteral,
  Span,
  StringLiteral,
  Template,
  TemplatePart,
} from './ast.js';
export { callsIn, templateExpressions } from './ast.js';
export { ExpressionSyntaxError, scan, type Token, type TokenKind } from './scanner.js';
export { isTemplateExpression, parseExpression, parseTemplate } from './parser.js';
export { FUNCTIONS, arityProblem, lookupFunction, type FunctionCategory, type FunctionSpec } from './functions.js';
