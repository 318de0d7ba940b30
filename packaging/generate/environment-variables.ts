import { BASE_LANGUAGE, LANGUAGES, type Labels } from '../../solution/labels.js';
import type { EnvironmentVariable } from '../../solution/model.js';
import { EnvironmentVariableTypeCode } from '../../core/package/component-types.js';
import { newXmlDocument, serializeXml, type XMLBuilder } from '../../core/xml/xml.js';
import { INTRODUCED_VERSION } from './xml-parts.js';
import { ENV_VAR_DEFINITION_FILE, ENV_VAR_FOLDER } from '../../core/package/entries.js';

export const environmentVariableDefinitionPath = (schemaName: string): string =>
  `${ENV_VAR_FOLDER}/${schemaName}/${ENV_VAR_DEFINITION_FILE}`;

/** Boolean defaults are written `yes`/`no` in the definition (E5), unlike the flow parameter's true/false. */
function definitionDefaultValue(variable: EnvironmentVariable): string {
  if (variable.type === 'Boolean') return variable.defaultValue === true ? 'yes' : 'no';
  return String(variable.defaultValue);
}

function labelled(parent: XMLBuilder, name: string, text: Labels): void {
  const node = parent.ele(name, { default: text[BASE_LANGUAGE] });
  for (const language of LANGUAGES) node.ele('label', { description: text[language], languagecode: String(language) });
}

/**
 * The definition file; elements in the alphabetical order exports use. Only the default value is
 * written: a current value (environmentvariablevalues.json) would override each environment's own
 * setting on every upgrade, so the package never ships one.
 */
export function environmentVariableDefinitionXml(variable: EnvironmentVariable): string {
  const root = newXmlDocument().ele('environmentvariabledefinition', { schemaname: variable.schemaName });
  root.ele('defaultvalue').txt(definitionDefaultValue(variable));
  labelled(root, 'description', variable.description);
  labelled(root, 'displayname', variable.label);
  root.ele('introducedversion').txt(INTRODUCED_VERSION);
  root.ele('iscustomizable').txt('1');
  root.ele('isrequired').txt('0');
  root.ele('secretstore').txt('0');
  root.ele('type').txt(String(EnvironmentVariableTypeCode[variable.type]));
  return serializeXml(root.doc());
}
