/** String, collection and URI functions: the reference's examples plus null handling and type errors. */
import { ev, thrown } from './support.js';

const cases = (rows: Array<[string, unknown]>): void => {
  test.each(rows)('%s → %p', (expression, expected) => {
    expect(ev(expression)).toEqual(expected);
  });
};

describe('string functions', () => {
  describe('concat', () => {
    cases([
      ["@concat('Hello', 'World')", 'HelloWorld'],
      ["@concat('a', null, 'b')", 'ab'],
      ["@concat('n', 1, true, createArray(1))", 'n1True[1]'],
      ["@concat('only')", 'only'],
    ]);
  });

  describe('substring', () => {
    cases([
      ["@substring('hello world', 6, 5)", 'world'],
      ["@substring('hello world', 6)", 'world'],
      ["@substring('abc', 3, 0)", ''],
    ]);
    test('start + length beyond the string is an error (unlike other languages)', () => {
      expect(thrown(() => ev("@substring('hello', 2, 10)"))).toMatch(/'substring' parameters are out of range/);
      expect(thrown(() => ev("@substring('hello', -1, 1)"))).toMatch(/out of range/);
    });
    test('null text is a type error', () => {
      expect(thrown(() => ev('@substring(null, 0, 1)'))).toBe(
        "The template language function 'substring' expects its first parameter to be a string. The provided value is of type 'Null'.",
      );
    });
  });

  describe('slice', () => {
    cases([
      ["@slice('Hello World', 2)", 'llo World'],
      ["@slice('Hello World', 2, 5)", 'llo'],
      ["@slice('Hello World', -2)", 'ld'],
      ["@slice('Hello World', 3, -1)", 'lo Worl'],
      ["@slice('Hello World', 30)", ''],
      ["@slice('Hello World', 5, 2)", ''],
    ]);
  });

  describe('replace', () => {
    cases([
      ["@replace('the old string', 'old', 'new')", 'the new string'],
      ["@replace('a-b-c', '-', '')", 'abc'],
      ["@replace('Old old', 'old', 'x')", 'Old x'],
      ["@replace('it''s', '''', '''''')", "it''s"],
    ]);
    test('null text and an empty oldText are errors', () => {
      expect(thrown(() => ev("@replace(null, 'a', 'b')"))).toMatch(
        /'replace' expects its first parameter to be a string. The provided value is of type 'Null'/,
      );
      expect(thrown(() => ev("@replace('abc', '', 'b')"))).toMatch(/must not be empty/);
    });
  });

  describe('split', () => {
    cases([
      ["@split('a_b_c', '_')", ['a', 'b', 'c']],
      ["@split('a_b_c', ' ')", ['a_b_c']],
      ["@split('', ',')", ['']],
      ["@split('a,,b', ',')", ['a', '', 'b']],
      ["@split('abc', '')", ['abc']],
    ]);
    test('null text is a type error', () => {
      expect(thrown(() => ev("@split(null, ',')"))).toMatch(/'split' expects its first parameter to be a string/);
    });
  });

  describe('toLower / toUpper / trim', () => {
    cases([
      ["@toLower('Hello World')", 'hello world'],
      ["@toUpper('Hello World')", 'HELLO WORLD'],
      ["@toUpper('us')", 'US'],
      ["@trim(' Hello World  ')", 'Hello World'],
      ["@trim('\t x \n')", 'x'],
    ]);
    test('null is a type error', () => {
      expect(thrown(() => ev('@toLower(null)'))).toBe(
        "The template language function 'toLower' expects its parameter to be a string. The provided value is of type 'Null'.",
      );
      expect(thrown(() => ev('@trim(1)'))).toMatch(/of type 'Integer'/);
    });
  });

  describe('indexOf / lastIndexOf / nthIndexOf (not case-sensitive)', () => {
    cases([
      ["@indexOf('hello world', 'world')", 6],
      ["@indexOf('hello world', 'WORLD')", 6],
      ["@indexOf('hello world', 'universe')", -1],
      ["@lastIndexOf('hello world hello world', 'world')", 18],
      ["@lastIndexOf('hello world hello world', '')", 22],
      ["@lastIndexOf('', '')", 0],
      ["@lastIndexOf('', 'a')", -1],
      ["@nthIndexOf('123456789123465789', '1', 1)", 0],
      ["@nthIndexOf('123456789123465789', '1', 2)", 9],
      ["@nthIndexOf('123456789123465789', '6', 4)", -1],
      ["@nthIndexOf('123456789123465789', '1', -1)", 9],
    ]);
  });

  describe('startsWith / endsWith (not case-sensitive)', () => {
    cases([
      ["@startsWith('hello world', 'hello')", true],
      ["@startsWith('hello world', 'greetings')", false],
      ["@startsWith('Hello', 'hELLO')", true],
      ["@startsWith('✔ Deal', '✔')", true],
      ["@endsWith('hello world', 'world')", true],
      ["@endsWith('hello world', 'universe')", false],
      ["@endsWith('hello WORLD', 'world')", true],
    ]);
    test('null text is a type error', () => {
      expect(thrown(() => ev("@startsWith(null, 'a')"))).toMatch(/'startsWith' expects its first parameter to be a string/);
    });
  });

  describe('length', () => {
    cases([
      ["@length('abcd')", 4],
      ['@length(createArray(0, 1, 2, 3))', 4],
      ["@length('')", 0],
    ]);
    test('null and objects are type errors', () => {
      expect(thrown(() => ev('@length(null)'))).toBe(
        "The template language function 'length' expects its parameter to be an array or a string. The provided value is of type 'Null'.",
      );
      expect(thrown(() => ev("@length(json('{}'))"))).toMatch(/of type 'Object'/);
    });
  });

  describe('guid', () => {
    test('default D format, and N, B, P', () => {
      expect(ev('@guid()')).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
      expect(ev("@guid('N')")).toMatch(/^[0-9a-f]{32}$/);
      expect(ev("@guid('B')")).toMatch(/^\{[0-9a-f-]{36}\}$/);
      expect(ev("@guid('P')")).toMatch(/^\([0-9a-f-]{36}\)$/);
      expect(ev('@guid()')).not.toBe(ev('@guid()'));
    });
    test('the host may supply the GUIDs', () => {
      expect(ev("@guid('N')", { newGuid: () => 'C2ECC88D-88C8-4096-912C-D6F2E2B138CE' })).toBe('c2ecc88d88c84096912cd6f2e2b138ce');
    });
    test('an unknown format is an error', () => {
      expect(thrown(() => ev("@guid('Q')"))).toMatch(/'N', 'D', 'B', 'P' or 'X'/);
    });
  });

  describe('formatNumber', () => {
    cases([
      ["@formatNumber(1234567890, '0,0.00', 'en-us')", '1,234,567,890.00'],
      ["@formatNumber(1234567890, '0,0.00', 'is-is')", '1.234.567.890,00'],
      ["@formatNumber(17.35, 'C2')", '$17.35'],
      ["@formatNumber(1234.5678, 'N2')", '1,234.57'],
      ["@formatNumber(0.1234, 'P1')", '12.3%'],
      ["@formatNumber(42, 'D5')", '00042'],
      ["@formatNumber(255, 'X')", 'FF'],
      ["@formatNumber(3.14159, 'F3')", '3.142'],
      ["@formatNumber(1234.5, '#,##0.00')", '1,234.50'],
      ["@formatNumber(5, '000')", '005'],
      ["@formatNumber(-5, '0;(0)')", '(5)'],
      ["@formatNumber(0.5, '0%')", '50%'],
    ]);
    test('the currency of the locale (C2, is-is)', () => {
      expect(ev("@formatNumber(17.35, 'C2', 'is-is')")).toMatch(/^17,35\s?kr/);
    });
    test('a non-number is a type error', () => {
      expect(thrown(() => ev("@formatNumber('12', 'N2')"))).toMatch(
        /'formatNumber' expects its first parameter to be an integer or a decimal number/,
      );
    });
  });

  describe('chunk', () => {
    cases([
      ["@chunk('abcdefghijklmnopqrstuvwxyz', 10)", ['abcdefghij', 'klmnopqrst', 'uvwxyz']],
      ['@chunk(createArray(1, 2, 3, 4, 5), 2)', [[1, 2], [3, 4], [5]]],
    ]);
    test('a length of 0 is out of range', () => {
      expect(thrown(() => ev("@chunk('abc', 0)"))).toMatch(/out of range/);
    });
  });

  describe('isInt / isFloat', () => {
    cases([
      ["@isInt('10')", true],
      ["@isInt('-10')", true],
      ["@isInt('10.5')", false],
      ["@isInt('ten')", false],
      ["@isFloat('10,000.00')", true],
      ["@isFloat('10.333')", true],
      ["@isFloat('10,000,00', 'de-DE')", false],
      ["@isFloat('10.000,00', 'de-DE')", true],
      ["@isFloat('abc')", false],
    ]);
  });
});

describe('collection functions', () => {
  describe('contains (case-sensitive)', () => {
    cases([
      ["@contains('hello world', 'world')", true],
      ["@contains('hello world', 'universe')", false],
      ["@contains('hello world', 'WORLD')", false],
      ["@contains(createArray('a', 'b'), 'b')", true],
      ['@contains(createArray(1, 2), 3)', false],
      ['@contains(json(\'{"name":"x"}\'), \'name\')', true],
      ['@contains(json(\'{"name":"x"}\'), \'x\')', false],
    ]);
    test('null is a type error', () => {
      expect(thrown(() => ev("@contains(null, 'a')"))).toMatch(
        /'contains' expects its first parameter to be a string, an array or an object/,
      );
    });
  });

  describe('empty', () => {
    cases([
      ["@empty('')", true],
      ["@empty('abc')", false],
      ['@empty(null)', true],
      ["@empty(json('[]'))", true],
      ["@empty(json('{}'))", true],
      ['@empty(createArray(0))', false],
    ]);
    test('numbers are type errors', () => {
      expect(thrown(() => ev('@empty(0)'))).toMatch(/'empty' expects its parameter to be a string, an array or an object/);
    });
  });

  describe('first / last', () => {
    cases([
      ["@first('hello')", 'h'],
      ['@first(createArray(0, 1, 2))', 0],
      ["@last('abcd')", 'd'],
      ['@last(createArray(0, 1, 2, 3))', 3],
      ["@first(json('[]'))", null],
      ["@last(json('[]'))", null],
      ["@first(json('[]'))?['x']", null],
      ["@first('')", ''],
    ]);
    test('null is a type error', () => {
      expect(thrown(() => ev('@first(null)'))).toMatch(
        /'first' expects its parameter to be an array or a string. The provided value is of type 'Null'/,
      );
    });
  });

  describe('join', () => {
    cases([
      ["@join(createArray('a', 'b', 'c'), '.')", 'a.b.c'],
      ["@join(createArray('a', null, 1, true), ',')", 'a,,1,True'],
      ["@join(json('[]'), ',')", ''],
    ]);
    test('a string collection is a type error', () => {
      expect(thrown(() => ev("@join('abc', ',')"))).toMatch(/'join' expects its first parameter to be an array/);
    });
  });

  describe('intersection / union', () => {
    cases([
      ['@intersection(createArray(1, 2, 3), createArray(101, 2, 1, 10), createArray(6, 8, 1, 2))', [1, 2]],
      ['@union(createArray(1, 2, 3), createArray(1, 2, 10, 101))', [1, 2, 3, 10, 101]],
      ['@union(json(\'[{"op":"a"}]\'), json(\'[{"op":"a"},{"op":"b"}]\'))', [{ op: 'a' }, { op: 'b' }]],
      ['@union(json(\'{"a":1,"b":1}\'), json(\'{"b":2}\'))', { a: 1, b: 2 }],
      ['@intersection(json(\'{"a":1,"b":1}\'), json(\'{"b":2}\'))', { b: 2 }],
    ]);
    test('mixing arrays and objects is an error', () => {
      expect(thrown(() => ev("@union(createArray(1), json('{}'))"))).toMatch(/all arrays or all objects/);
      expect(thrown(() => ev('@union(createArray(1), null)'))).toMatch(/second parameter to be an array or an object/);
    });
  });

  describe('skip / take', () => {
    cases([
      ['@skip(createArray(0, 1, 2, 3), 1)', [1, 2, 3]],
      ["@take('abcde', 3)", 'abc'],
      ['@take(createArray(0, 1, 2, 3, 4), 3)', [0, 1, 2]],
      ['@take(createArray(0, 1), 5)', [0, 1]],
      ['@skip(createArray(0, 1), 5)', []],
    ]);
  });

  describe('createArray / reverse / sort', () => {
    cases([
      ["@createArray('h', 'e', 'l', 'l', 'o')", ['h', 'e', 'l', 'l', 'o']],
      ['@createArray(null)', [null]],
      ['@reverse(createArray(0, 1, 2, 3))', [3, 2, 1, 0]],
      ['@sort(createArray(2, 1, 0, 3))', [0, 1, 2, 3]],
      [
        '@sort(json(\'[{"n":2,"k":"b"},{"n":1,"k":"a"}]\'), \'n\')',
        [
          { n: 1, k: 'a' },
          { n: 2, k: 'b' },
        ],
      ],
    ]);
  });
});

describe('URI parsing functions', () => {
  cases([
    ["@uriHost('https://www.localhost.com:8080')", 'www.localhost.com'],
    ["@uriPath('https://www.contoso.com/catalog/shownew.htm?date=today')", '/catalog/shownew.htm'],
    ["@uriPath('https://www.contoso.com')", '/'],
    ["@uriPathAndQuery('https://www.contoso.com/catalog/shownew.htm?date=today')", '/catalog/shownew.htm?date=today'],
    ["@uriPort('https://www.localhost:8080')", 8080],
    ["@uriPort('https://www.contoso.com')", 443],
    ["@uriQuery('https://www.contoso.com/catalog/shownew.htm?date=today')", '?date=today'],
    ["@uriScheme('https://www.contoso.com/catalog/shownew.htm?date=today')", 'https'],
  ]);
  test('a relative URI is an error', () => {
    expect(thrown(() => ev("@uriHost('/relative')"))).toMatch(/well-formed absolute URI/);
  });
});
