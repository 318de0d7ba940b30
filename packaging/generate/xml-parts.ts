import { LANGUAGES, type Labels } from '../../solution/labels.js';
import type { XMLBuilder } from '../../core/xml/xml.js';

/** Version recorded as IntroducedVersion on every component this generator introduces. */
export const INTRODUCED_VERSION = '1.0.0.0';

export const bit = (value: boolean): string => (value ? '1' : '0');

/** `<container><item description="…" languagecode="1033" />…</container>`, one item per language. */
export function labelList(parent: XMLBuilder, container: string, item: string, text: Labels): XMLBuilder {
  const list = parent.ele(container);
  for (const language of LANGUAGES) list.ele(item, { description: text[language], languagecode: String(language) });
  return parent;
}

/** Adds `<name>text</name>` for each pair, in order (exports keep a fixed element order). */
export function elements(parent: XMLBuilder, pairs: ReadonlyArray<readonly [string, string]>): XMLBuilder {
  for (const [name, text] of pairs) {
    if (text === '') parent.ele(name);
    else parent.ele(name).txt(text);
  }
  return parent;
}
