import {
  arityProblem,
  callsIn,
  ExpressionSyntaxError,
  FUNCTIONS,
  isTemplateExpression,
  lookupFunction,
  parseExpression,
  parseTemplate,
  scan,
  type Expression,
  type FunctionCategory,
} from '../../flows/expressions/index.js';

/** The syntax error `parse` throws, so its offset and reason can be asserted. */
function syntaxError(parse: () => unknown): ExpressionSyntaxError {
  try {
    parse();
  } catch (error) {
    if (error instanceof ExpressionSyntaxError) return error;
    throw error;
  }
  throw new Error('expected an ExpressionSyntaxError');
}

/** The tree without spans, for compact structural assertions. */
function shape(expression: Expression): unknown {
  switch (expression.kind) {
    case 'call':
      return { call: expression.name, args: expression.args.map(shape) };
    case 'member':
      return {
        member: shape(expression.target),
        property: shape(expression.property),
        style: expression.style,
        nullSafe: expression.nullSafe,
      };
    default:
      return expression.value;
  }
}

describe('scanner', () => {
  test('splits an expression into tokens with offsets shifted by the base', () => {
    const tokens = scan("concat('a', 1)", 10);
    expect(tokens.map((token) => token.kind)).toEqual(['identifier', '(', 'string', ',', 'integer', ')', 'end']);
    expect(tokens[2]).toMatchObject({ raw: "'a'", value: 'a', start: 17, end: 20 });
  });

  test('numbers: integers, signed, floats and exponents', () => {
    expect(
      scan('-1 +2 3.5 1e3 2.5E-2')
        .filter((token) => token.kind !== 'end')
        .map((token) => [token.kind, token.raw]),
    ).toEqual([
      ['integer', '-1'],
      ['integer', '+2'],
      ['float', '3.5'],
      ['float', '1e3'],
      ['float', '2.5E-2'],
    ]);
  });

  test('double quotes are reported as the usual mistake they are', () => {
    expect(syntaxError(() => scan('concat("a")')).reason).toMatch(/single quotes/);
  });
});

describe('parseExpression: literals', () => {
  test.each<[string, unknown]>([
    ["'it''s'", "it's"],
    ["''", ''],
    ["''''", "'"],
    ['42', 42],
    ['-7', -7],
    ['3.25', 3.25],
    ['1e3', 1000],
    ['true', true],
    ['false', false],
    ['null', null],
    ['TRUE', true],
  ])('%s → %p', (text, value) => {
    expect(shape(parseExpression(text))).toEqual(value);
  });

  test('numbers keep integer and float apart, and their raw text', () => {
    expect(parseExpression('7')).toMatchObject({ kind: 'number', value: 7, numberKind: 'integer', raw: '7' });
    expect(parseExpression('7.0')).toMatchObject({ kind: 'number', value: 7, numberKind: 'float', raw: '7.0' });
  });

  test('literal nodes carry their spans', () => {
    expect(parseExpression("  'ab'  ", 1).span).toEqual({ start: 3, end: 7 });
  });
});

describe('parseExpression: calls and member access', () => {
  test('nested calls with arguments of every kind', () => {
    expect(shape(parseExpression("concat(toLower(triggerBody()?['name']), '-', string(add(1, 2.5)), null)"))).toEqual({
      call: 'concat',
      args: [
        { call: 'toLower', args: [{ member: { call: 'triggerBody', args: [] }, property: 'name', style: 'index', nullSafe: true }] },
        '-',
        { call: 'string', args: [{ call: 'add', args: [1, 2.5] }] },
        null,
      ],
    });
  });

  test("?['a']['b'].c[0] builds a left-to-right chain distinguishing ?[], [] and .", () => {
    const expression = parseExpression("body('Get_row')?['a']['b'].c[0]");
    expect(shape(expression)).toEqual({
      member: {
        member: {
          member: {
            member: { call: 'body', args: ['Get_row'] },
            property: 'a',
            style: 'index',
            nullSafe: true,
          },
          property: 'b',
          style: 'index',
          nullSafe: false,
        },
        property: 'c',
        style: 'dot',
        nullSafe: false,
      },
      property: 0,
      style: 'index',
      nullSafe: false,
    });
    expect(expression.span).toEqual({ start: 0, end: 31 });
  });

  test('?.name is a null-safe dot access; an index can be an expression', () => {
    expect(shape(parseExpression('trigger()?.outputs'))).toEqual({
      member: { call: 'trigger', args: [] },
      property: 'outputs',
      style: 'dot',
      nullSafe: true,
    });
    expect(shape(parseExpression("outputs('Days')[dayOfWeek(utcNow())]"))).toMatchObject({
      property: { call: 'dayOfWeek' },
      style: 'index',
    });
  });

  test('function names keep their spelling (lookup ignores case)', () => {
    const call = parseExpression("Skip(Split('a,b', ','), 1)");
    expect(callsIn(call).map((c) => c.name)).toEqual(['Skip', 'Split']);
    expect(lookupFunction('SKIP')?.name).toBe('skip');
  });

  test('whitespace between tokens is allowed', () => {
    expect(shape(parseExpression(" concat( 'a' ,\n'b' ) "))).toEqual({ call: 'concat', args: ['a', 'b'] });
  });
});

describe('parseExpression: errors carry an offset and a readable reason', () => {
  test.each<[string, number, RegExp]>([
    ["concat('a', 'b'", 6, /not closed/],
    ["concat('abc)", 7, /unterminated string literal/],
    ['foo', 0, /neither a function call/],
    ['concat(,)', 7, /expected a value/],
    ["concat('a' 'b')", 11, /expected ',' or '\)'/],
    ["body('x')?", 9, /'\?' must be followed by/],
    ["'a'[0]", 3, /only a function call result/],
    ['add(1)) ', 6, /expected the end/],
    ['1x', 1, /after the number/],
    ['', 0, /expected a value/],
    ["body('x')[0", 11, /expected '\]'/],
    ['concat(@x)', 7, /without '@'/],
  ])('%p fails at offset %d', (text, offset, reason) => {
    const error = syntaxError(() => parseExpression(text));
    expect(error.offset).toBe(offset);
    expect(error.reason).toMatch(reason);
    expect(error.message).toContain(`offset ${offset}`);
  });

  test('offsets count from the base given (the position in the JSON string value)', () => {
    expect(syntaxError(() => parseExpression("concat('x", 5)).offset).toBe(12);
  });
});

describe('parseTemplate', () => {
  test('plain text is a literal, even with a lone @ or an @ inside', () => {
    expect(parseTemplate('hello')).toEqual({ kind: 'literal', value: 'hello' });
    expect(parseTemplate('@')).toEqual({ kind: 'literal', value: '@' });
    expect(parseTemplate('mail me at a@b.com')).toEqual({ kind: 'literal', value: 'mail me at a@b.com' });
  });

  test('@@ at the start escapes the @ (and the rest is not scanned for @{)', () => {
    expect(parseTemplate('@@mention')).toEqual({ kind: 'literal', value: '@mention' });
    expect(parseTemplate('@@{not an expression}')).toEqual({ kind: 'literal', value: '@{not an expression}' });
  });

  test('a whole-value expression keeps its type; its spans count the @', () => {
    const template = parseTemplate("@triggerBody()?['count']");
    expect(template.kind).toBe('expression');
    if (template.kind !== 'expression') return;
    expect(shape(template.expression)).toEqual({
      member: { call: 'triggerBody', args: [] },
      property: 'count',
      style: 'index',
      nullSafe: true,
    });
    expect(template.expression.span).toEqual({ start: 1, end: 24 });
  });

  test('@{…} interpolation with several parts, text spans and expression spans', () => {
    const value = "Hi @{variables('name')}, you have @{length(body('Get_items')?['value'])} items}";
    const template = parseTemplate(value);
    expect(template.kind).toBe('interpolation');
    if (template.kind !== 'interpolation') return;
    expect(template.parts.map((part) => (part.kind === 'text' ? part.value : shape(part.expression)))).toEqual([
      'Hi ',
      { call: 'variables', args: ['name'] },
      ', you have ',
      { call: 'length', args: [{ member: { call: 'body', args: ['Get_items'] }, property: 'value', style: 'index', nullSafe: true }] },
      ' items}',
    ]);
    const second = template.parts[3]!;
    expect(value.slice(second.span.start, second.span.end)).toBe("@{length(body('Get_items')?['value'])}");
  });

  test('a value starting with @{ is an interpolation (its result is a string)', () => {
    expect(parseTemplate("@{parameters('P')};").kind).toBe('interpolation');
  });

  test('@@{ inside text is a literal @{; braces inside string literals do not close the interpolation', () => {
    const template = parseTemplate("a@@{b} @{concat('}', '''')}");
    expect(template.kind).toBe('interpolation');
    if (template.kind !== 'interpolation') return;
    expect(template.parts.map((part) => (part.kind === 'text' ? part.value : shape(part.expression)))).toEqual([
      'a@{b} ',
      { call: 'concat', args: ['}', "'"] },
    ]);
  });

  test('isTemplateExpression tells which values hold an expression', () => {
    expect(['@x()', '@{x()}', 'a @{x()} b', 'a@@{b}'].map(isTemplateExpression)).toEqual([true, true, true, true]);
    expect(['plain', '@', '@@x', '@@{x}', 'a@b.com', ''].map(isTemplateExpression)).toEqual([false, false, false, false, false, false]);
  });

  test('errors inside @{…} have offsets in the whole value', () => {
    expect(syntaxError(() => parseTemplate("x @{concat('a' 'b')}")).offset).toBe(15);
    expect(syntaxError(() => parseTemplate('x @{utcNow()')).reason).toMatch(/no closing '}'/);
    expect(syntaxError(() => parseTemplate("x @{concat('a)}")).offset).toBe(11);
    expect(syntaxError(() => parseTemplate('@{}')).offset).toBe(2);
    expect(syntaxError(() => parseTemplate("@concat('a',)")).offset).toBe(12);
  });
});

describe('function catalogue', () => {
  test('every function of flows-and-pcf §3.8 is in the catalogue, with its category', () => {
    const expected: Record<FunctionCategory, string> = {
      string:
        'concat substring slice replace split toLower toUpper trim indexOf lastIndexOf nthIndexOf startsWith endsWith length guid formatNumber chunk isFloat isInt',
      collection: 'contains empty first last join intersection union skip take createArray reverse sort',
      logical: 'and or not if equals greater greaterOrEquals less lessOrEquals coalesce',
      conversion:
        'array bool int float string json xml base64 base64ToString base64ToBinary binary dataUri dataUriToString decodeBase64 encodeUriComponent uriComponent uriComponentToString decodeUriComponent decimal',
      math: 'add sub mul div mod min max rand range',
      date: 'utcNow addDays addHours addMinutes addSeconds addToTime subtractFromTime convertTimeZone convertToUtc convertFromUtc formatDateTime parseDateTime startOfDay startOfHour startOfMonth dayOfWeek dayOfMonth dayOfYear ticks getFutureTime getPastTime dateDifference',
      workflow:
        'trigger triggerBody triggerOutputs triggerFormDataValue triggerFormDataMultiValues triggerMultipartBody body outputs actions action actionBody actionOutputs items item iterationIndexes variables parameters result workflow listCallbackUrl multipartBody',
      uri: 'uriHost uriPath uriPathAndQuery uriPort uriQuery uriScheme',
      manipulation: 'addProperty setProperty removeProperty xpath',
    };
    for (const [category, names] of Object.entries(expected)) {
      for (const name of names.split(' ')) {
        expect([name, lookupFunction(name)?.category]).toEqual([name, category]);
      }
    }
  });

  test('lookups ignore case; names are unique; every entry has a one-line doc', () => {
    expect(lookupFunction('TOLOWER')).toBe(lookupFunction('toLower'));
    expect(lookupFunction('nope')).toBeUndefined();
    expect(new Set(FUNCTIONS.map((spec) => spec.name.toLowerCase())).size).toBe(FUNCTIONS.length);
    for (const spec of FUNCTIONS) expect(spec.doc).toMatch(/^[A-Z].*\.$/);
  });

  test.each<[string, number, number]>([
    ['utcNow', 0, 1],
    ['substring', 2, 3],
    ['replace', 3, 3],
    ['concat', 1, Infinity],
    ['union', 2, Infinity],
    ['if', 3, 3],
    ['item', 0, 0],
    ['formatDateTime', 1, 3],
    ['addToTime', 3, 4],
  ])('%s takes %d to %d arguments', (name, min, max) => {
    expect(lookupFunction(name)).toMatchObject({ minArgs: min, maxArgs: max });
  });

  test('arityProblem explains a wrong argument count with the signature', () => {
    const substring = lookupFunction('substring')!;
    expect(arityProblem(substring, 2)).toBeUndefined();
    expect(arityProblem(substring, 3)).toBeUndefined();
    expect(arityProblem(substring, 1)).toBe('substring takes 2 to 3 arguments, not 1: substring(text, startIndex, length?)');
    expect(arityProblem(lookupFunction('utcNow')!, 2)).toMatch(/^utcNow takes 0 to 1 arguments, not 2/);
    expect(arityProblem(lookupFunction('item')!, 1)).toMatch(/takes no arguments, not 1/);
    expect(arityProblem(lookupFunction('concat')!, 0)).toMatch(/takes at least 1 argument, not 0/);
    expect(arityProblem(lookupFunction('equals')!, 3)).toMatch(/takes exactly 2 arguments, not 3/);
  });
});
