import { TemplateError } from '../../sim/runtime/errors.js';
import { applyFunction, evaluateJson } from '../../sim/runtime/evaluate.js';
import { implementedFunctionNames } from '../../sim/runtime/functions/index.js';
import { FUNCTIONS } from '../../flows/expressions/index.js';
import { ev, host, thrown } from './support.js';

const trigger = {
  outputs: {
    headers: {},
    body: { opportunityid: 'opp-1', name: 'Deal', nested: { list: [{ id: 'a' }, { id: 'b' }] }, empty: null, 'a/b': 'literal' },
  },
};
const withTrigger = { trigger: () => trigger };

describe('templates', () => {
  test('plain text, @@ escape and a lone @ stay text', () => {
    expect(ev('hello')).toBe('hello');
    expect(ev('@@triggerBody()')).toBe('@triggerBody()');
    expect(ev('@')).toBe('@');
  });

  test('a whole expression keeps its type', () => {
    expect(ev('@createArray(1, 2)')).toEqual([1, 2]);
    expect(ev('@json(\'{"a":1}\')')).toEqual({ a: 1 });
    expect(ev('@add(1, 2)')).toBe(3);
    expect(ev('@equals(1, 1)')).toBe(true);
    expect(ev('@null')).toBeNull();
  });

  test('interpolation stringifies: objects as JSON, null as empty, Booleans as True/False', () => {
    expect(ev("Name: @{triggerBody()?['name']}!", withTrigger)).toBe('Name: Deal!');
    expect(ev('[@{null}]')).toBe('[]');
    expect(ev('@{true}/@{false}')).toBe('True/False');
    expect(ev('n=@{add(1, 2)} f=@{div(7.0, 2)}')).toBe('n=3 f=3.5');
    expect(ev('o=@{json(\'{"a":[1,"x"]}\')}')).toBe('o={"a":[1,"x"]}');
    expect(ev('a @@{not} b')).toBe('a @{not} b');
  });

  test('evaluateJson walks objects and arrays, leaving keys and non-strings alone', () => {
    expect(evaluateJson({ '@key': '@add(1, 1)', list: ["@concat('a', 'b')", 3, true, null] }, host())).toEqual({
      '@key': 2,
      list: ['ab', 3, true, null],
    });
  });

  test('function names are case-insensitive', () => {
    expect(ev("@TOLOWER('ABC')")).toBe('abc');
    expect(ev("@Concat('a', 'b')")).toBe('ab');
  });

  test('syntax errors and unknown functions are template errors', () => {
    expect(() => ev("@concat('a'")).toThrow(TemplateError);
    expect(thrown(() => ev("@concat('a'"))).toMatch(/is not valid/);
    expect(thrown(() => ev('@nosuch(1)'))).toBe("The template function 'nosuch' is not defined or not valid.");
    expect(thrown(() => ev("@substring('a')"))).toMatch(/substring takes 2 to 3 arguments, not 1/);
  });

  test('every catalogued function is implemented (a new catalogue entry without one would stop runs with UnimplementedFunctionError)', () => {
    const implemented = new Set(implementedFunctionNames());
    const missing = FUNCTIONS.map((spec) => spec.name).filter((name) => !implemented.has(name.toLowerCase()));
    expect(missing).toEqual([]);
  });

  test('if() evaluates only the branch it returns', () => {
    expect(ev("@if(true, 'yes', substring('ab', 5, 1))")).toBe('yes');
    expect(ev("@if(empty(''), null, formatDateTime(null))")).toBeNull();
    expect(thrown(() => ev("@if('true', 1, 2)"))).toBe(
      "The template language function 'if' expects its first parameter to be of type boolean. The provided value is of type 'String'.",
    );
  });

  test('applyFunction calls a function on evaluated values (the object form of conditions)', () => {
    expect(applyFunction('equals', ['a', 'a'], host())).toBe(true);
    expect(applyFunction('greater', [2, 1], host())).toBe(true);
    expect(applyFunction('xpath', ['<a><b>1</b></a>', '/a/b/text()'], host())).toEqual(['1']);
  });
});

describe('member access', () => {
  test('index and dot forms select members; arrays take integer indexes', () => {
    expect(ev("@triggerBody()['name']", withTrigger)).toBe('Deal');
    expect(ev('@triggerBody().name', withTrigger)).toBe('Deal');
    expect(ev("@triggerBody()['nested']['list'][1]['id']", withTrigger)).toBe('b');
    expect(ev("@triggerBody()?['nested']?['list']?[0]?['id']", withTrigger)).toBe('a');
  });

  test('?[] on a missing member or a null value gives null', () => {
    expect(ev("@triggerBody()?['missing']", withTrigger)).toBeNull();
    expect(ev("@triggerBody()?['missing']?['deeper']", withTrigger)).toBeNull();
    expect(ev("@triggerBody()?['empty']?['x']", withTrigger)).toBeNull();
    expect(ev("@triggerBody()?['nested']?['list']?[5]", withTrigger)).toBeNull();
  });

  test('[] without ? on a missing member fails, listing the available properties', () => {
    expect(thrown(() => ev("@triggerBody()['missing']", withTrigger))).toBe(
      "The template language expression 'triggerBody()['missing']' cannot be evaluated because property 'missing' doesn't exist, " +
        "available properties are 'opportunityid, name, nested, empty, a/b'.",
    );
  });

  test('[] on null fails the Logic Apps way', () => {
    expect(thrown(() => ev("@triggerBody()?['missing']['x']", withTrigger))).toBe(
      "The template language expression 'triggerBody()?['missing']['x']' cannot be evaluated because property 'x' cannot be selected. " +
        "Property selection is not supported on values of type 'Null'.",
    );
  });

  test('selecting a property of a string or with a string on an array fails even with ?', () => {
    expect(thrown(() => ev("@triggerBody()?['name']?['x']", withTrigger))).toMatch(/not supported on values of type 'String'/);
    expect(thrown(() => ev("@triggerBody()?['nested']?['list']?['id']", withTrigger))).toMatch(/integer index/);
    expect(thrown(() => ev("@triggerBody()['nested']['list'][9]", withTrigger))).toMatch(/outside bounds/);
  });

  describe("a key containing '/' navigates the path when the literal key is absent (Power Automate)", () => {
    test("triggerOutputs()?['body/opportunityid'] reads body.opportunityid", () => {
      expect(ev("@triggerOutputs()?['body/opportunityid']", withTrigger)).toBe('opp-1');
      expect(ev("@triggerOutputs()?['body/nested/list']", withTrigger)).toEqual([{ id: 'a' }, { id: 'b' }]);
    });

    test('the literal key wins when it exists', () => {
      expect(ev("@triggerBody()?['a/b']", withTrigger)).toBe('literal');
    });

    test('a missing segment is null with ?, an error without', () => {
      expect(ev("@triggerOutputs()?['body/missing/deeper']", withTrigger)).toBeNull();
      expect(thrown(() => ev("@triggerOutputs()['body/missing']", withTrigger))).toMatch(/property 'missing' doesn't exist/);
    });
  });
});
