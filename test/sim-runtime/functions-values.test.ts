/** Logical, conversion, math and manipulation functions: the reference's examples plus null handling and type errors. */
import { ev, thrown } from './support.js';

const cases = (rows: Array<[string, unknown]>): void => {
  test.each(rows)('%s → %p', (expression, expected) => {
    expect(ev(expression)).toEqual(expected);
  });
};

describe('logical comparison functions', () => {
  describe('and / or / not', () => {
    cases([
      ['@and(true, true)', true],
      ['@and(false, true)', false],
      ['@and(equals(1, 1), equals(2, 2))', true],
      ['@and(true)', true],
      ['@or(true, false)', true],
      ['@or(false, false)', false],
      ['@or(equals(1, 2), equals(1, 3))', false],
      ['@not(false)', true],
      ['@not(equals(1, 1))', false],
    ]);
    test('non-Booleans are type errors ("true" is not a Boolean)', () => {
      expect(thrown(() => ev("@not('true')"))).toBe(
        "The template language function 'not' expects its parameter to be of type boolean. The provided value is of type 'String'.",
      );
      expect(thrown(() => ev('@and(true, null)'))).toMatch(/'and' expects its second parameter to be of type boolean/);
      expect(thrown(() => ev('@or(1, true)'))).toMatch(/'or' expects its first parameter/);
    });
  });

  describe('equals', () => {
    cases([
      ['@equals(true, 1)', true],
      ["@equals('abc', 'abcd')", false],
      ["@equals('abc', 'ABC')", false],
      ['@equals(1, 1.0)', true],
      ["@equals(null, '')", true],
      ['@equals(null, null)', true],
      ['@equals(null, 0)', false],
      ['@equals(json(\'{"a":1,"b":[1]}\'), json(\'{"b":[1],"a":1}\'))', true],
      ['@equals(createArray(1, 2), createArray(2, 1))', false],
      ["@equals('1', 1)", false],
    ]);
  });

  describe('greater / greaterOrEquals / less / lessOrEquals', () => {
    cases([
      ['@greater(10, 5)', true],
      ["@greater('apple', 'banana')", false],
      ['@greaterOrEquals(5, 5)', true],
      ["@greaterOrEquals('apple', 'banana')", false],
      ['@less(5, 10)', true],
      ["@less('banana', 'apple')", false],
      ['@lessOrEquals(10, 10)', true],
      ["@lessOrEquals('apply', 'apple')", false],
      ['@greater(2.5, 2)', true],
      ["@less(null, 'a')", true],
    ]);
    test('mismatched types are errors', () => {
      expect(thrown(() => ev("@greater(1, '1')"))).toMatch(/'greater' expects two parameters of matching types.*'Integer' and 'String'/);
      expect(thrown(() => ev('@less(null, 1)'))).toMatch(/'Null' and 'Integer'/);
    });
  });

  describe('if', () => {
    cases([
      ["@if(equals(1, 1), 'yes', 'no')", 'yes'],
      ["@if(equals(1, 2), 'yes', 'no')", 'no'],
      ['@if(true, createArray(1), null)', [1]],
    ]);
  });

  describe('coalesce', () => {
    cases([
      ['@coalesce(null, true, false)', true],
      ["@coalesce(null, 'hello', 'world')", 'hello'],
      ['@coalesce(null, null, null)', null],
      ["@coalesce('', 'x')", ''],
      ["@coalesce(json('[]'), 'x')", []],
    ]);
  });
});

describe('conversion functions', () => {
  describe('array / createArray', () => {
    cases([
      ["@array('hello')", ['hello']],
      ['@array(null)', [null]],
    ]);
  });

  describe('bool', () => {
    cases([
      ['@bool(1)', true],
      ['@bool(0)', false],
      ['@bool(-1)', true],
      ["@bool('true')", true],
      ["@bool('False')", false],
    ]);
    test('other strings and null are errors', () => {
      expect(thrown(() => ev("@bool('yes')"))).toMatch(/cannot be converted to the target type 'Boolean'/);
      expect(thrown(() => ev('@bool(null)'))).toMatch(/of type 'Null'/);
    });
  });

  describe('int / float / decimal', () => {
    cases([
      ["@int('10')", 10],
      ["@int(' -7 ')", -7],
      ['@int(12)', 12],
      ["@float('10.333')", 10.333],
      ["@float('10,000.333')", 10000.333],
      ["@float('10.000,5', 'de-DE')", 10000.5],
      ['@float(5)', 5],
      ["@decimal('1.2345678912312131')", 1.234567891231213],
    ]);
    test('strings that are not numbers, and null, are errors', () => {
      expect(thrown(() => ev("@int('10.5')"))).toMatch(/cannot be converted to the target type 'Integer'/);
      expect(thrown(() => ev("@float('abc')"))).toMatch(/cannot be converted to the target type 'Float'/);
      expect(thrown(() => ev('@float(null)'))).toBe(
        "The template language function 'float' expects its parameter to be a string. The provided value is of type 'Null'.",
      );
      expect(thrown(() => ev('@int(1.5)'))).toMatch(/of type 'Float'/);
    });
  });

  describe('string', () => {
    cases([
      ['@string(10)', '10'],
      ['@string(json(\'{"name":"Sophie Owen"}\'))', '{"name":"Sophie Owen"}'],
      ['@string(null)', ''],
      ['@string(true)', 'True'],
      ['@string(float(10))', '10'],
      ['@string(div(1.0, 4))', '0.25'],
      ["@string('already')", 'already'],
      ["@string(createArray('a', null, 1.5))", '["a",null,1.5]'],
    ]);
  });

  describe('json', () => {
    cases([
      ["@json('[1, 2, 3]')", [1, 2, 3]],
      ['@json(\'{"fullName": "Sophia Owen"}\')', { fullName: 'Sophia Owen' }],
      ["@json('[]')", []],
      ["@json('42')", 42],
      ['@json(null)', {}],
    ]);
    test('invalid JSON is an error', () => {
      expect(thrown(() => ev("@json('{oops')"))).toMatch(/'json' parameter is not valid. The provided value '\{oops' cannot be parsed/);
    });
  });

  describe('base64 family', () => {
    cases([
      ["@base64('hello')", 'aGVsbG8='],
      ["@base64ToString('aGVsbG8=')", 'hello'],
      ["@decodeBase64('aGVsbG8=')", 'hello'],
      ["@base64('✔ naïve')", Buffer.from('✔ naïve').toString('base64')],
      ["@base64ToBinary('aGVsbG8=')", { '$content-type': 'application/octet-stream', $content: 'aGVsbG8=' }],
      ["@binary('hello')", { '$content-type': 'application/octet-stream', $content: 'aGVsbG8=' }],
      ["@base64(binary('hello'))", 'aGVsbG8='],
    ]);
    test('null and invalid base64 are errors', () => {
      expect(thrown(() => ev('@base64(null)'))).toMatch(/'base64' expects its parameter to be a string/);
      expect(thrown(() => ev("@base64ToString('***')"))).toMatch(/cannot be decoded from base64/);
    });
  });

  describe('data URIs', () => {
    cases([
      ["@dataUri('hello')", 'data:text/plain;charset=utf-8;base64,aGVsbG8='],
      ["@dataUriToString('data:text/plain;charset=utf-8;base64,aGVsbG8=')", 'hello'],
      ["@dataUriToString('data:,hello%20world')", 'hello world'],
      [
        "@dataUriToBinary('data:text/plain;charset=utf-8;base64,aGVsbG8=')",
        { '$content-type': 'text/plain;charset=utf-8', $content: 'aGVsbG8=' },
      ],
      [
        "@decodeDataUri('data:text/plain;charset=utf-8;base64,aGVsbG8=')",
        { '$content-type': 'text/plain;charset=utf-8', $content: 'aGVsbG8=' },
      ],
    ]);
  });

  describe('URI components', () => {
    cases([
      ["@uriComponent('https://contoso.com')", 'https%3A%2F%2Fcontoso.com'],
      ["@encodeUriComponent('https://contoso.com')", 'https%3A%2F%2Fcontoso.com'],
      ["@uriComponent('a b!(c)*')", 'a%20b%21%28c%29%2A'],
      ["@uriComponentToString('https%3A%2F%2Fcontoso.com')", 'https://contoso.com'],
      ["@decodeUriComponent('https%3A%2F%2Fcontoso.com')", 'https://contoso.com'],
      ["@uriComponentToBinary('hello')", { '$content-type': 'application/octet-stream', $content: 'aGVsbG8=' }],
    ]);
    test('a malformed escape is an error', () => {
      expect(thrown(() => ev("@uriComponentToString('%E0%A4%A')"))).toMatch(/not a valid URI-encoded string/);
    });
  });
});

describe('math functions', () => {
  cases([
    ['@add(1, 1.5)', 2.5],
    ['@add(-1, 1)', 0],
    ['@sub(10.3, 0.3)', 10],
    ['@mul(1, 2)', 2],
    ['@mul(1.5, 2)', 3],
    ['@div(10, 5)', 2],
    ['@div(11, 5)', 2],
    ['@div(-11, 5)', -2],
    ['@div(11, 5.0)', 2.2],
    ['@div(11.0, 5)', 2.2],
    ['@div(float(11), 5)', 2.2],
    ['@mod(3, 2)', 1],
    ['@mod(-5, 3)', -2],
    ['@max(1, 2, 3)', 3],
    ['@max(createArray(1, 2, 3))', 3],
    ['@min(1, 2, 3)', 1],
    ['@min(createArray(1, 2, 3))', 1],
    ['@range(1, 4)', [1, 2, 3, 4]],
    ['@range(5, 0)', []],
  ]);

  test('rand stays in [min, max) and uses the host random source', () => {
    for (let index = 0; index < 20; index += 1) {
      const value = ev('@rand(1, 5)') as number;
      expect(value).toBeGreaterThanOrEqual(1);
      expect(value).toBeLessThan(5);
    }
    expect(ev('@rand(1, 5)', { random: () => 0.99 })).toBe(4);
    expect(ev('@rand(1, 5)', { random: () => 0 })).toBe(1);
  });

  test('division by zero, strings and null are errors', () => {
    expect(thrown(() => ev('@div(1, 0)'))).toMatch(/cannot divide by zero/);
    expect(thrown(() => ev('@mod(1, 0)'))).toMatch(/cannot divide by zero/);
    expect(thrown(() => ev("@add('1', 1)"))).toBe(
      "The template language function 'add' expects its first parameter to be an integer or a decimal number. The provided value is of type 'String'.",
    );
    expect(thrown(() => ev('@sub(1, null)'))).toMatch(/second parameter .* 'Null'/);
    expect(thrown(() => ev('@range(1, -1)'))).toMatch(/between 0 and 100000/);
    expect(thrown(() => ev('@rand(5, 1)'))).toMatch(/less than/);
  });
});

describe('manipulation functions', () => {
  test('addProperty adds, and fails when the property exists', () => {
    expect(ev('@addProperty(json(\'{ "firstName": "Sophia", "surName": "Owen" }\'), \'middleName\', \'Anne\')')).toEqual({
      firstName: 'Sophia',
      surName: 'Owen',
      middleName: 'Anne',
    });
    expect(
      ev(
        '@setProperty(json(\'{ "customerName": { "firstName": "Sophia" } }\'), \'customerName\', addProperty(json(\'{ "customerName": { "firstName": "Sophia" } }\')[\'customerName\'], \'middleName\', \'Anne\'))',
      ),
    ).toEqual({ customerName: { firstName: 'Sophia', middleName: 'Anne' } });
    expect(thrown(() => ev("@addProperty(json('{\"a\":1}'), 'a', 2)"))).toMatch(/already has it/);
  });

  test('setProperty sets or adds', () => {
    expect(ev('@setProperty(json(\'{ "firstName": "Sophia", "surName": "Owen" }\'), \'surName\', \'Hartnett\')')).toEqual({
      firstName: 'Sophia',
      surName: 'Hartnett',
    });
    expect(ev("@setProperty(json('{}'), 'item@odata.bind', '/accounts(1)')")).toEqual({ 'item@odata.bind': '/accounts(1)' });
    expect(ev("@setProperty(json('{}'), 'x', null)")).toEqual({ x: null });
  });

  test('removeProperty removes, or returns the object unchanged', () => {
    expect(ev('@removeProperty(json(\'{ "firstName": "Sophia", "middleName": "Anne", "surName": "Owen" }\'), \'middleName\')')).toEqual({
      firstName: 'Sophia',
      surName: 'Owen',
    });
    expect(ev("@removeProperty(json('{\"a\":1}'), 'b')")).toEqual({ a: 1 });
  });

  test('a non-object is a type error', () => {
    expect(thrown(() => ev("@setProperty(null, 'a', 1)"))).toBe(
      "The template language function 'setProperty' expects its first parameter to be an object. The provided value is of type 'Null'.",
    );
  });

  test('the input object is never changed', () => {
    const variable = { a: 1 };
    ev("@setProperty(variables('v'), 'b', 2)", { variable: () => ({ value: variable }) });
    ev("@removeProperty(variables('v'), 'a')", { variable: () => ({ value: variable }) });
    expect(variable).toEqual({ a: 1 });
  });
});
