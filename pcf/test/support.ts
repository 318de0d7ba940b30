import { readFileSync } from 'fs';
import * as path from 'path';
import { parseResx, type HostOptions } from '../harness/fake-context';
import { translator, type Translate } from '../PartnerCenterSection/model/strings';

export const CONTROL_DIR = path.join(__dirname, '..', 'PartnerCenterSection');

export const readText = (...segments: string[]): string => readFileSync(path.join(CONTROL_DIR, ...segments), 'utf8');

/** The shipped resx strings of one language. */
export function strings(language: 1033 | 1028): Record<string, string> {
  return parseResx(readText('strings', `PartnerCenterSection.${language}.resx`));
}

export const t1033: Translate = translator((key) => strings(1033)[key]);
export const t1028: Translate = translator((key) => strings(1028)[key]);

export interface Sample {
  entityId: string;
  values: Record<string, unknown>;
  columns: Record<string, string>;
  options: Record<'1033' | '1028', Record<string, Array<{ Value: number; Label: string }>>>;
  data: NonNullable<HostOptions['data']>;
}

export const sample = (): Sample => JSON.parse(readFileSync(path.join(__dirname, '..', 'harness', 'sample-data.json'), 'utf8')) as Sample;
