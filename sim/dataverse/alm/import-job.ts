/**
 * The `data` of an importjob row: the import's XML log. Shape as public parsers of real logs read it
 * (../shared/docs/alm.md §2.2): root `importexportxml`, `solutionManifests/solutionManifest/result`, then a section
 * per component kind, each component with its own `result` (`result="success|failure" errorcode errortext`).
 */
import { newXmlDocument, serializeXml } from '../../../core/xml/xml.js';
import type { StagedSolution } from './solution-zip.js';

export function importJobXml(
  solution: StagedSolution,
  at: Date,
  failure: string | undefined,
  failedFlow: { id: string; name: string; errorText: string } | undefined,
): string {
  const time = at.toISOString();
  const root = newXmlDocument().ele('importexportxml', { progress: '100', processed: 'true', succeeded: failure ? 'failure' : 'success' });
  const manifest = root
    .ele('solutionManifests')
    .ele('solutionManifest', { languagecode: '1033', id: solution.uniqueName, LocalizedName: solution.friendlyName, processed: 'true' });
  manifest.ele('UniqueName').txt(solution.uniqueName);
  manifest.ele('Version').txt(solution.version);
  manifest.ele(
    'result',
    failure
      ? { result: 'failure', errorcode: '0x80048060', errortext: failure, datetime: time }
      : { result: 'success', errorcode: '0', errortext: '', datetime: time },
  );
  if (failure) return serializeXml(root.doc());
  const entities = root.ele('entities');
  for (const name of solution.entities) {
    entities
      .ele('entity', { id: name, LocalizedName: name, OriginalName: name, processed: 'true' })
      .ele('result', { result: 'success', errorcode: '0', errortext: '', datetime: time });
  }
  const nodes = root.ele('nodes');
  for (const flow of solution.flows) {
    const failed = failedFlow?.id === flow.id;
    nodes
      .ele('node', { id: `{${flow.id}}`, name: flow.name, processed: 'true' })
      .ele(
        'result',
        failed
          ? { result: 'failure', errorcode: '0x80060467', errortext: failedFlow.errorText, datetime: time }
          : { result: 'success', errorcode: '0', errortext: '', datetime: time },
      );
  }
  return serializeXml(root.doc());
}
