import { LANGUAGES, type Language, type StringKey } from '../names';

/** A resx lookup with `{0}` placeholders filled in. */
export type Translate = (key: StringKey, ...args: ReadonlyArray<string | number>) => string;

/** Replaces `{0}`, `{1}`… with the arguments; unknown placeholders stay as written. */
export function format(template: string, args: ReadonlyArray<string | number>): string {
  return template.replace(/\{(\d+)\}/g, (whole, index: string) =>
    args[Number(index)] !== undefined ? String(args[Number(index)]) : whole,
  );
}

/**
 * A translator over the platform's `resources.getString`. A missing string (the platform returns an
 * empty string or the key itself) shows the key, so a gap is visible instead of a blank.
 */
export function translator(getString: (key: string) => string | undefined): Translate {
  return (key, ...args) => {
    let text: string | undefined;
    try {
      text = getString(key);
    } catch {
      text = undefined;
    }
    return format(typeof text === 'string' && text !== '' ? text : key, args);
  };
}

/** Traditional Chinese for zh-TW (1028), zh-HK (3076) and zh-MO (5124); English otherwise. */
export function languageOf(languageId: number | undefined): Language {
  return languageId === 1028 || languageId === 3076 || languageId === 5124 ? 1028 : LANGUAGES[0];
}

export const localeOf = (language: Language): string => (language === 1028 ? 'zh-TW' : 'en-US');
