import type { SolutionModel } from '../../solution/model.js';
import { encodeText, type ZipEntry } from '../../core/io/zip.js';
import { contentTypesXml, CONTENT_TYPES_ENTRY } from '../../core/package/content-types.js';
import { canonicalEntryOrder, CUSTOMIZATIONS_XML, SOLUTION_XML } from '../../core/package/entries.js';
import { controlManifestPath, customizationsXml, flowFileName } from './customizations.js';
import { environmentVariableDefinitionPath, environmentVariableDefinitionXml } from './environment-variables.js';
import { solutionXml } from './solution-xml.js';
import { controlVersion } from '../../solution/control-version.js';
import { withControlVersion } from '../control-manifest.js';

export type PackageType = 'managed' | 'unmanaged';

/** `<UniqueName>_<major>_<minor>_<build>_<revision>[_managed].zip`, as Dataverse and pac name exports. */
export function packageFileName(model: SolutionModel, type: PackageType): string {
  return `${model.solution.uniqueName}_${model.solution.version.replace(/\./g, '_')}${type === 'managed' ? '_managed' : ''}.zip`;
}

/** JSON files are written as exports write flows: two-space indent, CRLF (E1). */
const flowJson = (document: unknown): string => JSON.stringify(document, null, 2).replace(/\n/g, '\r\n');

/**
 * Every entry of the solution zip, generated from the model alone (a pure function), in the canonical
 * order. Managed and unmanaged differ only in solution.xml's <Managed>; neither carries environment
 * variable values.
 */
export function generatePackage(model: SolutionModel, type: PackageType): ZipEntry[] {
  return generatePackages(model, [type])[0]!;
}

/** Several package types at once: the parts they share (all but solution.xml) are generated once. */
export function generatePackages(model: SolutionModel, types: readonly PackageType[]): ZipEntry[][] {
  const shared: ZipEntry[] = [{ name: CUSTOMIZATIONS_XML, data: encodeText(customizationsXml(model)) }];
  for (const variable of model.environmentVariables) {
    shared.push({
      name: environmentVariableDefinitionPath(variable.schemaName),
      data: encodeText(environmentVariableDefinitionXml(variable)),
    });
  }
  for (const flow of model.flows) shared.push({ name: flowFileName(flow), data: encodeText(flowJson(flow.document)) });
  // A control's packaged manifest carries the version derived from the solution's, so every release
  // replaces the installed bundle (see solution/control-version.ts); its other files go in as built.
  const version = model.controls.length > 0 ? controlVersion(model.solution.version) : '';
  for (const control of model.controls) {
    const manifest = controlManifestPath(control.name);
    const folder = manifest.replace(/\/ControlManifest\.xml$/, '');
    for (const file of control.files) {
      const name = `${folder}/${file.path}`;
      shared.push({ name, data: name === manifest ? withControlVersion(file.data, version, name) : file.data });
    }
  }
  const names = [...shared.map((entry) => entry.name), SOLUTION_XML, CONTENT_TYPES_ENTRY];
  const contentTypes: ZipEntry = { name: CONTENT_TYPES_ENTRY, data: encodeText(contentTypesXml(names)) };
  return types.map((type) =>
    canonicalEntryOrder([...shared, { name: SOLUTION_XML, data: encodeText(solutionXml(model, type === 'managed')) }, contentTypes]),
  );
}
