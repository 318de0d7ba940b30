import { findJsonSyntaxError, pointAt, positionOf } from '../../solution/config/json-syntax.js';
import { closestName, editDistance } from '../../solution/config/suggest.js';

const VALID = [
  '{}',
  '[]',
  ' { "a" : [ 1 , -2.5e+3 , 0 , true , false , null , "x\\"\\\\\\/\\b\\f\\n\\r\\t\\u00e9" ] }\r\n',
  '"just a string"',
  '0',
  '-0.1E-2',
  '{"nested":{"deeper":[[],[{}]]},"emoji":"😀"}',
];

const INVALID = [
  '',
  '{',
  '{ "a": }',
  '{"a":1,}',
  '[1,2,]',
  '{"a" 1}',
  '{"a":1 "b":2}',
  "{'a':1}",
  '{"a":"x\ny"}',
  '{"a":1}}',
  '{"a":01}',
  '{"a":1.}',
  '{"a":"\\x"}',
  '{"a":"\\u12"}',
  '{"a":"open',
  '{"a":tru}',
  '// comment\n{}',
  '{"a":NaN}',
  '[1 2]',
];

describe('findJsonSyntaxError', () => {
  test.each(VALID)('accepts what JSON.parse accepts: %s', (text) => {
    expect(() => {
      JSON.parse(text);
    }).not.toThrow();
    expect(findJsonSyntaxError(text)).toBeUndefined();
  });

  test.each(INVALID)('rejects what JSON.parse rejects: %s', (text) => {
    expect(() => {
      JSON.parse(text);
    }).toThrow();
    expect(findJsonSyntaxError(text)).toEqual({ offset: expect.any(Number), problem: expect.stringMatching(/^(has|expected) /) });
  });

  test.each([
    ['{"a":1 "b":2}', 7, 'expected "," or "}" after the property value but found "\\""'],
    ['{"a":1,}', 6, 'has a comma before "}"; JSON allows no trailing comma'],
    ['[1,2,]', 4, 'has a comma before "]"; JSON allows no trailing comma'],
    ["{'a':1}", 1, 'has a string in single quotes; JSON strings use double quotes'],
    ['[1 2]', 3, 'expected "," or "]" after the array item but found "2"'],
    ['{"a":tru}', 5, 'has "tru", which is not a JSON value (true, false, null, a number or a "string")'],
    ['{"a":"\\x"}', 5, 'has an invalid escape in a string (a backslash itself is written \\\\)'],
    ['{"a":\'x\'}', 5, 'has a string in single quotes; JSON strings use double quotes'],
    ['{"a":"x\ny"}', 7, 'has a line break or control character inside a string (write a line break as \\n)'],
    ['{"a":1}}', 7, 'has more text after the end of the JSON value: "}"'],
    ['{"a":"open', 5, 'has a string that is never closed (a " is missing)'],
    ['{"a" 1}', 5, 'expected ":" after the property name but found "1"'],
    ['{"a":\n', 6, 'expected a value (an object, array, string, number, true, false or null) but found the end of the file'],
    ['{"a": /* x */ 1}', 6, 'has a comment; JSON allows no comments'],
  ])('%s: offset %d, %s', (text, offset, problem) => {
    expect(findJsonSyntaxError(text)).toEqual({ offset, problem });
  });
});

describe('positionOf and pointAt', () => {
  test('lines end at \\n, \\r\\n and \\r; columns count from 1', () => {
    const text = 'one\r\ntwo\nthree\rfour';
    expect(positionOf(text, 0)).toEqual({ line: 1, column: 1, lineText: 'one' });
    expect(positionOf(text, 6)).toEqual({ line: 2, column: 2, lineText: 'two' });
    expect(positionOf(text, 11)).toEqual({ line: 3, column: 3, lineText: 'three' });
    expect(positionOf(text, text.length)).toEqual({ line: 4, column: 5, lineText: 'four' });
  });

  test('the caret sits under the column', () => {
    expect(pointAt({ line: 12, column: 5, lineText: '  "a" 1' })).toBe('12 |   "a" 1\n   |     ^');
  });

  test('a long line is cut around the column', () => {
    const lineText = `${'x'.repeat(300)}!${'y'.repeat(300)}`;
    const [shown, caret] = pointAt({ line: 1, column: 301, lineText }).split('\n') as [string, string];
    expect(shown.length).toBeLessThan(120);
    expect(shown.startsWith('1 | …')).toBe(true);
    expect(shown.endsWith('…')).toBe(true);
    expect(shown[caret.indexOf('^')]).toBe('!');
  });
});

describe('closestName', () => {
  const names = ['uniqueName', 'displayName', 'description', 'customizationPrefix', 'optionValuePrefix'];

  test.each([
    ['customisationPrefix', 'customizationPrefix'],
    ['uniquename', 'uniqueName'],
    ['displayNmae', 'displayName'],
    ['descripton', 'description'],
  ])('%s → %s', (word, expected) => {
    expect(closestName(word, names)).toBe(expected);
  });

  test('no suggestion when nothing is close', () => {
    expect(closestName('clientSecret', ['orgUrl', 'tenantId', 'clientId'])).toBeUndefined();
    expect(closestName('x', ['id'])).toBeUndefined();
  });

  test('editDistance counts a swap of neighbours as one edit', () => {
    expect(editDistance('abcd', 'abdc')).toBe(1);
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('', 'abc')).toBe(3);
  });
});
