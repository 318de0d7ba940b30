/**
 * .NET numeric formatting for formatNumber(): the standard format strings (C, D, E, F, G, N, P, R, X with
 * an optional precision) and custom patterns made of `0`, `#`, `.`, `,`, `%`, literals and `;` sections.
 * Separators come from the locale through Intl (default en-US). Literals are kept before and after the
 * digits; a literal placed between digit placeholders is not supported.
 */
import { fail } from './support.js';

interface LocaleNumbers {
  readonly group: string;
  readonly decimal: string;
  readonly locale: string;
}

function localeNumbers(locale: string): LocaleNumbers {
  let parts: Intl.NumberFormatPart[];
  try {
    parts = new Intl.NumberFormat(locale).formatToParts(1234567.5);
  } catch {
    return fail(`The locale '${locale}' is not a valid culture name`);
  }
  return {
    group: parts.find((part) => part.type === 'group')?.value ?? ',',
    decimal: parts.find((part) => part.type === 'decimal')?.value ?? '.',
    locale,
  };
}

/** The currency .NET's culture data gives each supported locale (the C format). */
const CURRENCIES: Readonly<Record<string, string>> = {
  'en-us': 'USD',
  'en-gb': 'GBP',
  'en-ie': 'EUR',
  'en-ca': 'CAD',
  'en-au': 'AUD',
  'en-in': 'INR',
  'en-nz': 'NZD',
  'de-de': 'EUR',
  'de-at': 'EUR',
  'de-ch': 'CHF',
  'fr-fr': 'EUR',
  'fr-ca': 'CAD',
  'fr-ch': 'CHF',
  'es-es': 'EUR',
  'es-mx': 'MXN',
  'it-it': 'EUR',
  'nl-nl': 'EUR',
  'nl-be': 'EUR',
  'pt-pt': 'EUR',
  'pt-br': 'BRL',
  'is-is': 'ISK',
  'da-dk': 'DKK',
  'sv-se': 'SEK',
  'nb-no': 'NOK',
  'fi-fi': 'EUR',
  'pl-pl': 'PLN',
  'cs-cz': 'CZK',
  'ja-jp': 'JPY',
  'zh-cn': 'CNY',
  'ko-kr': 'KRW',
  'ru-ru': 'RUB',
  'tr-tr': 'TRY',
};

/** Digits of |value| rounded to `decimals` places, integer and fraction parts apart. */
function fixedDigits(value: number, decimals: number): { integer: string; fraction: string } {
  const text = Math.abs(value).toFixed(Math.min(100, Math.max(0, decimals)));
  const [integer, fraction = ''] = text.split('.');
  return { integer: integer!, fraction };
}

function group(integer: string, separator: string): string {
  return integer.replace(/\B(?=(\d{3})+(?!\d))/g, separator);
}

const STANDARD = /^([CcDdEeFfGgNnPpRrXx])(\d{0,2})$/;

export function formatNumber(value: number, format: string, locale = 'en-us'): string {
  const numbers = localeNumbers(locale);
  const standard = STANDARD.exec(format);
  return standard
    ? formatStandard(value, standard[1]!, standard[2] === '' ? undefined : Number(standard[2]), numbers)
    : formatCustom(value, format, numbers);
}

function formatStandard(value: number, specifier: string, precision: number | undefined, numbers: LocaleNumbers): string {
  const negative = value < 0 || Object.is(value, -0);
  const sign = negative && value !== 0 ? '-' : '';
  switch (specifier.toUpperCase()) {
    case 'C': {
      const code = CURRENCIES[numbers.locale.toLowerCase()];
      if (!code) return fail(`formatNumber: the currency of the locale '${numbers.locale}' is not known to the simulator`);
      const digits = precision ?? 2;
      return new Intl.NumberFormat(numbers.locale, {
        style: 'currency',
        currency: code,
        minimumFractionDigits: digits,
        maximumFractionDigits: digits,
      }).format(value);
    }
    case 'D': {
      if (!Number.isInteger(value)) return fail('formatNumber: the D format is only supported for integral types');
      return sign + String(Math.abs(value)).padStart(precision ?? 0, '0');
    }
    case 'E': {
      const digits = precision ?? 6;
      const [mantissa, exponent] = Math.abs(value).toExponential(digits).split('e');
      const expValue = Number(exponent);
      const letter = specifier === 'e' ? 'e' : 'E';
      return `${sign}${mantissa!.replace('.', numbers.decimal)}${letter}${expValue < 0 ? '-' : '+'}${String(Math.abs(expValue)).padStart(3, '0')}`;
    }
    case 'F': {
      const { integer, fraction } = fixedDigits(value, precision ?? 2);
      return sign + integer + (fraction ? numbers.decimal + fraction : '');
    }
    case 'N': {
      const { integer, fraction } = fixedDigits(value, precision ?? 2);
      return sign + group(integer, numbers.group) + (fraction ? numbers.decimal + fraction : '');
    }
    case 'P': {
      const { integer, fraction } = fixedDigits(value * 100, precision ?? 2);
      return `${sign}${group(integer, numbers.group)}${fraction ? numbers.decimal + fraction : ''}%`;
    }
    case 'G':
    case 'R': {
      const text =
        precision && specifier.toUpperCase() === 'G' ? String(Number(Math.abs(value).toPrecision(precision))) : String(Math.abs(value));
      return (
        sign +
        text
          .replace('.', numbers.decimal)
          .replace(/e([+-])(\d+)$/, (_match, expSign: string, digits: string) => `E${expSign}${digits.padStart(2, '0')}`)
      );
    }
    case 'X': {
      if (!Number.isInteger(value)) return fail('formatNumber: the X format is only supported for integral types');
      const hex = (value < 0 ? BigInt.asUintN(64, BigInt(value)) : BigInt(value)).toString(16).padStart(precision ?? 0, '0');
      return specifier === 'x' ? hex : hex.toUpperCase();
    }
    default:
      return fail(`formatNumber: unsupported format '${specifier}'`);
  }
}

/** Splits a custom pattern into `;` sections, honouring quotes and backslash escapes. */
function sections(format: string): string[] {
  const found: string[] = [];
  let current = '';
  let quote = '';
  for (let index = 0; index < format.length; index += 1) {
    const char = format.charAt(index);
    if (quote) {
      if (char === quote) quote = '';
      current += char;
    } else if (char === '\\' && index + 1 < format.length) {
      current += char + format.charAt(index + 1);
      index += 1;
    } else if (char === "'" || char === '"') {
      quote = char;
      current += char;
    } else if (char === ';') {
      found.push(current);
      current = '';
    } else {
      current += char;
    }
  }
  found.push(current);
  return found;
}

interface Token {
  readonly literal: boolean;
  readonly text: string;
}

function tokens(pattern: string): Token[] {
  const found: Token[] = [];
  for (let index = 0; index < pattern.length; index += 1) {
    const char = pattern.charAt(index);
    if (char === '\\' && index + 1 < pattern.length) {
      found.push({ literal: true, text: pattern.charAt(index + 1) });
      index += 1;
    } else if (char === "'" || char === '"') {
      const close = pattern.indexOf(char, index + 1);
      const end = close === -1 ? pattern.length : close;
      found.push({ literal: true, text: pattern.slice(index + 1, end) });
      index = end;
    } else if ('0#.,'.includes(char)) {
      found.push({ literal: false, text: char });
    } else {
      found.push({ literal: true, text: char });
    }
  }
  return found;
}

function formatCustom(value: number, format: string, numbers: LocaleNumbers): string {
  const parts = sections(format);
  let pattern = parts[0]!;
  let useSign = true;
  if (value < 0 && parts.length > 1 && parts[1] !== '') {
    pattern = parts[1]!;
    useSign = false;
  } else if (value === 0 && parts.length > 2 && parts[2] !== '') {
    pattern = parts[2]!;
  }
  const list = tokens(pattern);
  const firstDigit = list.findIndex((token) => !token.literal);
  let lastDigit = -1;
  list.forEach((token, index) => {
    if (!token.literal) lastDigit = index;
  });
  const prefix = (firstDigit === -1 ? list : list.slice(0, firstDigit)).map((token) => token.text).join('');
  const suffix =
    firstDigit === -1
      ? ''
      : list
          .slice(lastDigit + 1)
          .map((token) => token.text)
          .join('');
  if (firstDigit === -1) return (value < 0 && useSign ? '-' : '') + prefix;
  const body = list
    .slice(firstDigit, lastDigit + 1)
    .filter((token) => !token.literal)
    .map((token) => token.text)
    .join('');
  let scaled = Math.abs(value);
  if ((prefix + suffix).includes('%')) scaled *= 100;
  if ((prefix + suffix).includes('‰')) scaled *= 1000;
  const point = body.indexOf('.');
  let integerPattern = point === -1 ? body : body.slice(0, point);
  const fractionPattern = point === -1 ? '' : body.slice(point + 1).replace(/,/g, '');
  while (integerPattern.endsWith(',')) {
    scaled /= 1000;
    integerPattern = integerPattern.slice(0, -1);
  }
  const grouping = integerPattern.includes(',');
  const minInteger = (integerPattern.match(/0/g) ?? []).length;
  const maxFraction = fractionPattern.length;
  const lastZero = fractionPattern.lastIndexOf('0');
  const { integer, fraction } = fixedDigits(scaled, maxFraction);
  let integerDigits = integer.replace(/^0+/, '');
  integerDigits = integerDigits.padStart(minInteger, '0');
  let fractionDigits = fraction;
  while (fractionDigits.length > lastZero + 1 && fractionDigits.endsWith('0')) fractionDigits = fractionDigits.slice(0, -1);
  const isZero = /^0*$/.test(integerDigits) && /^0*$/.test(fractionDigits);
  const sign = value < 0 && useSign && !isZero ? '-' : '';
  const grouped = grouping ? group(integerDigits, numbers.group) : integerDigits;
  return sign + prefix + grouped + (fractionDigits ? numbers.decimal + fractionDigits : '') + suffix;
}

/** Parses a number written in the locale's way (`10,000.333` in en-US); undefined when it is not one. */
export function parseLocaleNumber(text: string, locale = 'en-us', integerOnly = false): number | undefined {
  const { group: groupSeparator, decimal } = localeNumbers(locale);
  const trimmed = text.trim();
  if (trimmed === '') return undefined;
  const escape = (char: string): string => char.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/\s/g, '\\s');
  const grammar = integerOnly
    ? /^[+-]?\d+$/
    : new RegExp(`^[+-]?(\\d{1,3}(${escape(groupSeparator)}\\d{3})*|\\d+)?(${escape(decimal)}\\d+)?([eE][+-]?\\d+)?$`);
  if (!grammar.test(trimmed) || !/\d/.test(trimmed)) return undefined;
  const normalized = trimmed.split(groupSeparator).join('').replace(decimal, '.');
  const parsed = Number(normalized);
  return Number.isFinite(parsed) ? parsed : undefined;
}
