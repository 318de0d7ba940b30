/**
 * The WDL function catalogue (flows-and-pcf §3.8, from Microsoft's "workflow-definition-language-functions-reference"):
 * each function's signature, category and a one-line doc. Arity comes from the signature: `name?` is
 * optional, a trailing `...` repeats the parameter before it. Where the page and the engine differ,
 * the catalogue follows what the engine accepts (createArray, and, or take one argument or more).
 */

export type FunctionCategory = 'string' | 'collection' | 'logical' | 'conversion' | 'math' | 'date' | 'workflow' | 'uri' | 'manipulation';

export interface FunctionSpec {
  /** Canonical spelling, as Microsoft documents it. */
  readonly name: string;
  readonly category: FunctionCategory;
  /** `substring(text, startIndex, length?)`. */
  readonly signature: string;
  readonly doc: string;
  readonly minArgs: number;
  /** `Infinity` for a variadic function. */
  readonly maxArgs: number;
}

type Entry = readonly [signature: string, doc: string];

const CATALOGUE: Readonly<Record<FunctionCategory, readonly Entry[]>> = {
  string: [
    ['concat(text, ...)', 'Combines strings into one string.'],
    ['substring(text, startIndex, length?)', 'Returns the characters of text from startIndex, optionally only length of them.'],
    [
      'slice(text, startIndex, endIndex?)',
      'Returns the characters of text from startIndex up to (not including) endIndex; negative indexes count from the end.',
    ],
    ['replace(text, oldText, newText)', 'Replaces every occurrence of oldText (case-sensitive) with newText.'],
    ['split(text, delimiter)', 'Splits text at each delimiter into an array of strings.'],
    ['toLower(text)', 'Returns text in lowercase.'],
    ['toUpper(text)', 'Returns text in uppercase.'],
    ['trim(text)', 'Removes leading and trailing whitespace.'],
    ['indexOf(text, searchText)', 'Returns the 0-based position of searchText in text (case-insensitive), or -1.'],
    ['lastIndexOf(text, searchText)', 'Returns the 0-based position of the last searchText in text, or -1.'],
    [
      'nthIndexOf(text, searchText, occurrence)',
      'Returns the position of the nth occurrence of searchText (negative n counts from the end), or -1.',
    ],
    ['startsWith(text, searchText)', 'Whether text starts with searchText (case-insensitive).'],
    ['endsWith(text, searchText)', 'Whether text ends with searchText (case-insensitive).'],
    ['length(collection)', 'Returns the number of characters of a string or items of an array.'],
    ['guid(format?)', 'Returns a new GUID as a string (format N, D, B, P or X).'],
    ['formatNumber(number, format, locale?)', 'Formats a number as a string with a .NET numeric format.'],
    ['chunk(collection, length)', 'Splits a string or array into chunks of the given length.'],
    ['isFloat(text, locale?)', 'Whether text is a floating-point number.'],
    ['isInt(text)', 'Whether text is an integer.'],
  ],
  collection: [
    ['contains(collection, value)', 'Whether a string has a substring, an array an item, or an object a key.'],
    ['empty(collection)', 'Whether a string, array or object is empty (null is empty).'],
    ['first(collection)', 'Returns the first character or item.'],
    ['last(collection)', 'Returns the last character or item.'],
    ['join(collection, delimiter)', 'Joins the items of an array into a string with the delimiter.'],
    ['intersection(collection1, collection2, ...)', 'Returns only the items (or keys) common to every collection.'],
    ['union(collection1, collection2, ...)', 'Returns every item (or key) of the collections, without duplicates.'],
    ['skip(collection, count)', 'Removes count items from the front and returns the rest.'],
    ['take(collection, count)', 'Returns count items from the front.'],
    ['createArray(value, ...)', 'Returns an array of the arguments.'],
    ['reverse(collection)', 'Returns the items of an array in reverse order.'],
    ['sort(collection, sortBy?)', 'Sorts an array, of objects by the sortBy key when given.'],
  ],
  logical: [
    ['and(expression, ...)', 'Whether every argument is true.'],
    ['or(expression, ...)', 'Whether at least one argument is true.'],
    ['not(expression)', 'Negates a Boolean.'],
    ['if(expression, valueIfTrue, valueIfFalse)', 'Returns valueIfTrue or valueIfFalse depending on the expression.'],
    ['equals(value1, value2)', 'Whether both values are equivalent.'],
    ['greater(value, compareTo)', 'Whether value is greater than compareTo.'],
    ['greaterOrEquals(value, compareTo)', 'Whether value is greater than or equal to compareTo.'],
    ['less(value, compareTo)', 'Whether value is less than compareTo.'],
    ['lessOrEquals(value, compareTo)', 'Whether value is less than or equal to compareTo.'],
    ['coalesce(value, ...)', 'Returns the first argument that is not null.'],
  ],
  conversion: [
    ['array(value)', 'Returns an array holding the single value.'],
    ['bool(value)', 'Converts a value to a Boolean.'],
    ['int(value)', 'Converts a string to an integer.'],
    ['float(value, locale?)', 'Converts a string to a floating-point number.'],
    ['decimal(value)', 'Converts a string to a decimal number.'],
    ['string(value)', 'Converts a value to a string (objects and arrays to JSON).'],
    ['json(value)', 'Parses a JSON string (or converts XML) into a value.'],
    ['xml(value)', 'Converts a string or JSON object to XML.'],
    ['base64(value)', 'Returns the base64 encoding of a string.'],
    ['base64ToString(value)', 'Decodes a base64 string to a string.'],
    ['base64ToBinary(value)', 'Decodes a base64 string to binary.'],
    ['binary(value)', 'Returns the binary version of a string.'],
    ['dataUri(value)', 'Returns a data URI for a string.'],
    ['dataUriToString(value)', 'Returns the string content of a data URI.'],
    ['dataUriToBinary(value)', 'Returns the binary content of a data URI.'],
    ['decodeDataUri(value)', 'Returns the binary content of a data URI.'],
    ['decodeBase64(value)', 'Decodes a base64 string to a string.'],
    ['encodeUriComponent(value)', 'Percent-encodes URL-unsafe characters.'],
    ['uriComponent(value)', 'Percent-encodes URL-unsafe characters.'],
    ['uriComponentToString(value)', 'Decodes a percent-encoded string.'],
    ['uriComponentToBinary(value)', 'Decodes a percent-encoded string to binary.'],
    ['decodeUriComponent(value)', 'Decodes a percent-encoded string.'],
  ],
  math: [
    ['add(summand1, summand2)', 'Adds two numbers.'],
    ['sub(minuend, subtrahend)', 'Subtracts the second number from the first.'],
    ['mul(multiplicand1, multiplicand2)', 'Multiplies two numbers.'],
    ['div(dividend, divisor)', 'Divides; integer division when both are integers.'],
    ['mod(dividend, divisor)', 'Returns the remainder of the division.'],
    ['min(value, ...)', 'Returns the lowest number of the arguments or of one array.'],
    ['max(value, ...)', 'Returns the highest number of the arguments or of one array.'],
    ['rand(minValue, maxValue)', 'Returns a random integer from minValue (inclusive) to maxValue (exclusive).'],
    ['range(startIndex, count)', 'Returns an array of count consecutive integers from startIndex.'],
  ],
  date: [
    ['utcNow(format?)', 'Returns the current UTC timestamp.'],
    ['addDays(timestamp, days, format?)', 'Adds days to a timestamp.'],
    ['addHours(timestamp, hours, format?)', 'Adds hours to a timestamp.'],
    ['addMinutes(timestamp, minutes, format?)', 'Adds minutes to a timestamp.'],
    ['addSeconds(timestamp, seconds, format?)', 'Adds seconds to a timestamp.'],
    ['addToTime(timestamp, interval, timeUnit, format?)', 'Adds interval time units to a timestamp.'],
    ['subtractFromTime(timestamp, interval, timeUnit, format?)', 'Subtracts interval time units from a timestamp.'],
    ['convertTimeZone(timestamp, sourceTimeZone, destinationTimeZone, format?)', 'Converts a timestamp between time zones.'],
    ['convertToUtc(timestamp, sourceTimeZone, format?)', 'Converts a timestamp from a time zone to UTC.'],
    ['convertFromUtc(timestamp, destinationTimeZone, format?)', 'Converts a UTC timestamp to a time zone.'],
    ['formatDateTime(timestamp, format?, locale?)', 'Formats a timestamp.'],
    ['parseDateTime(timestamp, locale?, format?)', 'Parses a timestamp string into an ISO 8601 timestamp.'],
    ['startOfDay(timestamp, format?)', 'Returns the start of the day of a timestamp.'],
    ['startOfHour(timestamp, format?)', 'Returns the start of the hour of a timestamp.'],
    ['startOfMonth(timestamp, format?)', 'Returns the start of the month of a timestamp.'],
    ['dayOfWeek(timestamp)', 'Returns the day of the week (0 = Sunday).'],
    ['dayOfMonth(timestamp)', 'Returns the day of the month.'],
    ['dayOfYear(timestamp)', 'Returns the day of the year.'],
    ['ticks(timestamp)', 'Returns the number of 100-nanosecond ticks since 0001-01-01.'],
    ['getFutureTime(interval, timeUnit, format?)', 'Returns the current time plus interval time units.'],
    ['getPastTime(interval, timeUnit, format?)', 'Returns the current time minus interval time units.'],
    ['dateDifference(startDate, endDate)', 'Returns the difference between two timestamps as a timespan string.'],
  ],
  workflow: [
    ['trigger()', "Returns the trigger's output object."],
    ['triggerBody()', "Returns the trigger's body output."],
    ['triggerOutputs()', "Returns the trigger's outputs."],
    ['triggerFormDataValue(key)', "Returns the single value of a key in the trigger's form-data output."],
    ['triggerFormDataMultiValues(key)', "Returns every value of a key in the trigger's form-data output."],
    ['triggerMultipartBody(index)', "Returns the body of one part of the trigger's multipart output."],
    ['body(actionName)', "Returns an action's body output."],
    ['outputs(actionName)', "Returns an action's outputs."],
    ['actions(actionName)', "Returns an action's result object (inputs, outputs, status…)."],
    ['action()', "Returns the current action's result object (in trackedProperties and similar)."],
    ['actionBody(actionName)', "Returns an action's body output."],
    ['actionOutputs(actionName)', "Returns an action's outputs."],
    ['formDataValue(actionName, key)', "Returns the single value of a key in an action's form-data output."],
    ['formDataMultiValues(actionName, key)', "Returns every value of a key in an action's form-data output."],
    ['multipartBody(actionName, index)', "Returns the body of one part of an action's multipart output."],
    ['items(loopName)', 'Returns the current item of the named Foreach loop.'],
    ['item()', 'Returns the current item of the innermost loop or of a Filter array / Select / Create table action.'],
    ['iterationIndexes(loopName)', 'Returns the index of the current iteration of the named Until loop.'],
    ['variables(variableName)', 'Returns the value of a variable.'],
    ['parameters(parameterName)', 'Returns the value of a workflow parameter (environment variables included).'],
    ['result(scopedActionName)', 'Returns the results of the top-level actions inside a Scope, Foreach or Until.'],
    ['workflow()', 'Returns details about the workflow and the current run.'],
    ['listCallbackUrl()', 'Returns the callback URL of the trigger or action.'],
  ],
  uri: [
    ['uriHost(uri)', 'Returns the host of a URI.'],
    ['uriPath(uri)', 'Returns the path of a URI.'],
    ['uriPathAndQuery(uri)', 'Returns the path and query of a URI.'],
    ['uriPort(uri)', 'Returns the port of a URI.'],
    ['uriQuery(uri)', 'Returns the query of a URI.'],
    ['uriScheme(uri)', 'Returns the scheme of a URI.'],
  ],
  manipulation: [
    ['addProperty(object, property, value)', 'Returns the object with a new property (fails if it exists).'],
    ['setProperty(object, property, value)', 'Returns the object with the property set.'],
    ['removeProperty(object, property)', 'Returns the object without the property.'],
    ['xpath(xml, xpath)', 'Returns the nodes or value an XPath expression selects in XML.'],
  ],
};

const SIGNATURE = /^(\w+)\((.*)\)$/;
const VARIADIC = '...';
const OPTIONAL = '?';

/** Turns a catalogue entry into a spec: arity from the parameter list. */
function specOf(category: FunctionCategory, [signature, doc]: Entry): FunctionSpec {
  const match = SIGNATURE.exec(signature);
  if (!match) throw new Error(`bad function signature in the catalogue: ${signature}`);
  const parameters = match[2] === '' ? [] : match[2]!.split(',').map((parameter) => parameter.trim());
  const variadic = parameters.at(-1) === VARIADIC;
  const named = variadic ? parameters.slice(0, -1) : parameters;
  return {
    name: match[1]!,
    category,
    signature,
    doc,
    minArgs: named.filter((parameter) => !parameter.endsWith(OPTIONAL)).length,
    maxArgs: variadic ? Infinity : named.length,
  };
}

/** Every function of the catalogue, by category in the order Microsoft lists them. */
export const FUNCTIONS: readonly FunctionSpec[] = (Object.entries(CATALOGUE) as Array<[FunctionCategory, readonly Entry[]]>).flatMap(
  ([category, entries]) => entries.map((entry) => specOf(category, entry)),
);

const BY_LOWER_NAME: ReadonlyMap<string, FunctionSpec> = new Map(FUNCTIONS.map((spec) => [spec.name.toLowerCase(), spec]));

/** The function of that name, ignoring case (`Skip`, `SPLIT` and `skip` are the same function). */
export const lookupFunction = (name: string): FunctionSpec | undefined => BY_LOWER_NAME.get(name.toLowerCase());

/** Why `count` arguments do not fit the function, or undefined when they do. */
export function arityProblem(spec: FunctionSpec, count: number): string | undefined {
  if (count >= spec.minArgs && count <= spec.maxArgs) return undefined;
  return `${spec.name} takes ${expectedArguments(spec)}, not ${count}: ${spec.signature}`;
}

function expectedArguments({ minArgs, maxArgs }: FunctionSpec): string {
  const plural = (n: number): string => `${n} argument${n === 1 ? '' : 's'}`;
  if (maxArgs === Infinity) return `at least ${plural(minArgs)}`;
  if (minArgs === maxArgs) return minArgs === 0 ? 'no arguments' : `exactly ${plural(minArgs)}`;
  return `${minArgs} to ${maxArgs} arguments`;
}
