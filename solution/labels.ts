/** Languages every label of the package carries: English and Traditional Chinese (the first users read zh-TW). */
export const LANGUAGES = [1033, 1028] as const;
type LanguageCode = (typeof LANGUAGES)[number];
export const BASE_LANGUAGE: LanguageCode = 1033;

/** A label in every language of the package. */
export type Labels = Readonly<Record<LanguageCode, string>>;

export const labels = (en: string, zhTW: string): Labels => ({ 1033: en, 1028: zhTW });
/** The same text in every language (numbers, product names). */
export const sameLabel = (text: string): Labels => labels(text, text);
