/**
 * Reads an import job's `data` XML: every `<result result="failure">` anywhere in it, with the component it belongs
 * to. A job can say success for the solution while one component failed, so every result is scanned.
 */
import { encodeText } from '../core/io/zip.js';
import { parseXmlTree, type XElement } from '../core/xml/tree.js';

export interface ComponentFailure {
  /** Element name of the component: solutionManifest, entity, node, optionSet… */
  kind: string;
  name: string;
  errorCode: string;
  errorText: string;
}

export function failedComponents(data: string): ComponentFailure[] {
  if (data.trim() === '') return [];
  const parsed = parseXmlTree(encodeText(data), 'importjob.data');
  if (!parsed.ok)
    return [
      {
        kind: 'importjob',
        name: 'data',
        errorCode: '',
        errorText: `the import log is not readable XML (line ${parsed.line}: ${parsed.message})`,
      },
    ];
  const failures: ComponentFailure[] = [];
  const visit = (element: XElement): void => {
    if (element.name === 'result' && element.attrs.result === 'failure') {
      const owner = element.parent;
      failures.push({
        kind: owner?.name ?? 'importexportxml',
        name: owner?.attrs.name ?? owner?.attrs.LocalizedName ?? owner?.attrs.id ?? '',
        errorCode: element.attrs.errorcode ?? '',
        errorText: element.attrs.errortext ?? '',
      });
    }
    element.children.forEach(visit);
  };
  visit(parsed.root);
  return failures;
}
