import { CUSTOMIZATIONS_XML, normalizeGuid, type EntityNode } from '../../../core/package/reader.js';
import type { Finding } from '../types.js';
import { childText, descendants, select, type XElement } from '../../../core/xml/tree.js';
import { duplicatesBy, finding, type RuleContext } from './common.js';

interface Keyed {
  key: string | undefined;
  el: XElement;
  entry: string;
}

/**
 * Ids and names that identify a component must be unique: Dataverse creates or updates components by
 * them, so a duplicate either fails the import or silently keeps only one of the definitions.
 */
export function checkDuplicates({ pkg }: RuleContext): Finding[] {
  const customizations = pkg.customizations;
  const inCustomizations = (key: string | undefined, el: XElement): Keyed => ({ key, el, entry: CUSTOMIZATIONS_XML });
  const findings: Finding[] = [];
  const check = (what: string, items: readonly Keyed[], caseInsensitive: boolean): void => {
    for (const [key, group] of duplicatesBy(items, (item) => item.key, caseInsensitive)) {
      const second = group[1];
      if (!second) continue;
      findings.push(
        finding('Critical', 'duplicate-id', `${what} ${key} is defined ${group.length} times`, {
          entry: second.entry,
          where: second.el,
          fix: `keep one definition per ${what}; rename or re-id the copies (new GUIDs for ids)`,
        }),
      );
    }
  };

  if (customizations) {
    const entities = customizations.entities;
    check(
      'table name',
      entities.map((entity) => inCustomizations(entity.name, entity.el)),
      true,
    );
    check(
      'WorkflowId',
      customizations.workflows.map((workflow) => inCustomizations(workflow.id && normalizeGuid(workflow.id), workflow.el)),
      false,
    );
    check(
      'form id',
      entities.flatMap((entity) =>
        entity.forms.map((form) => inCustomizations(form.formId && normalizeGuid(form.formId), form.systemform)),
      ),
      false,
    );
    check(
      'option set name',
      customizations.optionSets.map((set) => inCustomizations(set.name, set.el)),
      true,
    );
    check(
      'connection reference name',
      customizations.connectionReferences.map((reference) => inCustomizations(reference.name, reference.el)),
      true,
    );
    check(
      'custom control name',
      customizations.customControls.map((control) => inCustomizations(control.name, control.el)),
      true,
    );
    check(
      'web resource name',
      customizations.webResources.map((resource) => inCustomizations(resource.name, resource.el)),
      true,
    );
    for (const entity of entities) {
      check(
        `${entity.name} column logical name`,
        entity.attributes.map((attribute) => inCustomizations(attribute.logicalName, attribute.el)),
        true,
      );
      check(
        `${entity.name} key name`,
        entity.keys.map((key) => inCustomizations(childText(key, 'Name'), key)),
        true,
      );
      for (const optionSet of localOptionSets(entity)) checkOptionValues(optionSet, check);
    }
    for (const optionSet of customizations.optionSets) checkOptionValues(optionSet.el, check);
  }
  check(
    'environment variable schema name',
    pkg.envVars.flatMap((envVar) => (envVar.parsed.ok ? [{ key: envVar.schemaName, el: envVar.parsed.root, entry: envVar.entry }] : [])),
    true,
  );
  return findings;
}

const localOptionSets = (entity: EntityNode): XElement[] =>
  entity.attributes.flatMap((attribute) => descendants(attribute.el, 'optionset'));

function checkOptionValues(optionSet: XElement, check: (what: string, items: readonly Keyed[], caseInsensitive: boolean) => void): void {
  const name = optionSet.attrs.Name ?? '';
  check(
    `option value in ${name}`,
    select(optionSet, 'options/option').map((option) => ({ key: option.attrs.value, el: option, entry: CUSTOMIZATIONS_XML })),
    false,
  );
}
