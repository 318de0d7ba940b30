import { ComponentType, GUID_PATTERN, SOLUTION_XML, type Manifest, type RootComponent } from '../../../core/package/reader.js';
import type { Finding } from '../types.js';
import { validateXml } from '../xsd.js';
import { child, select } from '../../../core/xml/tree.js';
import { duplicatesBy, finding, type RuleContext } from './common.js';

/** Managed values of a zip: 0 unmanaged, 1 managed (2 = "Both" exists only in unpacked sources). */
const ZIP_MANAGED_VALUES = ['0', '1'];
const VERSION_PATTERN = /^\d+(\.\d+){1,3}$/;
const MAX_VERSION_PART = 2147483647;
const UNIQUE_NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_]*$/;
const UNIQUE_NAME_MAX = 65;
const PREFIX_PATTERN = /^[A-Za-z][A-Za-z0-9]{1,7}$/;
const RESERVED_PREFIX = 'mscrm';
const OPTION_VALUE_PREFIX_MIN = 10000;
const OPTION_VALUE_PREFIX_MAX = 99999;
const BEHAVIORS = ['0', '1', '2'];
/** Types identified by id (a GUID); the others by schemaName. */
const ID_TYPES: readonly number[] = [ComponentType.Attribute, ComponentType.Workflow, ComponentType.SystemForm];
/** Per-environment codes of solution-aware tables (connection references…) start here; exports never list them. */
const FIRST_ENVIRONMENT_TYPE = 10000;
const MAX_XSD_FINDINGS = 50;

/** solution.xml: well-formed, our derived schema, and the value rules Dataverse applies on import. */
export function checkSolutionManifest({ pkg, validators }: RuleContext): Finding[] {
  const parsed = pkg.solutionXml;
  if (!parsed) return [];
  if (!parsed.ok) {
    return [
      finding('Critical', 'solution-xml-invalid', `solution.xml is not well-formed XML: ${parsed.message}`, {
        entry: SOLUTION_XML,
        where: `line ${parsed.line}`,
        fix: 'restore the file from the original export or rebuild the zip with `cosell build`',
      }),
    ];
  }
  const entry = pkg.byName.get(SOLUTION_XML);
  const schemaFindings = entry ? validateXml(validators.solutionManifest, entry.data, SOLUTION_XML) : [];
  const findings = schemaFindings.slice(0, MAX_XSD_FINDINGS).map((issue) =>
    finding('High', 'solution-xsd', `solution.xml does not match the solution manifest structure of real exports: ${issue.message}`, {
      entry: SOLUTION_XML,
      where: `${issue.path ?? ''} (line ${issue.line})`.trim(),
      fix: 'compare with a real export (packaging/check/xsd/solution-manifest.xsd lists the expected elements and order)',
    }),
  );
  if (schemaFindings.length > MAX_XSD_FINDINGS) {
    findings.push(
      finding('High', 'solution-xsd', `… and ${schemaFindings.length - MAX_XSD_FINDINGS} more schema errors in solution.xml`, {
        entry: SOLUTION_XML,
      }),
    );
  }
  const manifest = pkg.manifest;
  return manifest ? [...findings, ...checkValues(manifest), ...checkRootComponents(manifest)] : findings;
}

function checkValues(manifest: Manifest): Finding[] {
  const findings: Finding[] = [];
  const solution = child(manifest.root, 'SolutionManifest');
  const at = (path: string) => ({ entry: SOLUTION_XML, where: select(solution, path)[0] ?? `/ImportExportXml/SolutionManifest/${path}` });
  const { managed, version, uniqueName, prefix, optionValuePrefix } = manifest;

  if (managed !== undefined && !ZIP_MANAGED_VALUES.includes(managed)) {
    findings.push(
      finding(
        'Critical',
        'solution-managed',
        `<Managed>${managed}</Managed> is not valid in a solution zip: use 0 (unmanaged) or 1 (managed)${managed === '2' ? '; 2 ("Both") only exists in unpacked SolutionPackager sources' : ''}`,
        {
          ...at('Managed'),
          fix: 'build the zip with `cosell build`/`pac solution pack` (they write 0 or 1), or set <Managed>1</Managed> for a managed package',
        },
      ),
    );
  }
  if (version !== undefined && !isValidVersion(version)) {
    findings.push(
      finding(
        'Critical',
        'solution-version',
        `<Version>${version}</Version> is not a solution version: Dataverse wants 2 to 4 dot-separated integers (e.g. 1.0.0.0)`,
        {
          ...at('Version'),
          fix: 'write major.minor[.build[.revision]] with plain integers',
        },
      ),
    );
  }
  if (uniqueName !== undefined && (!UNIQUE_NAME_PATTERN.test(uniqueName) || uniqueName.length > UNIQUE_NAME_MAX)) {
    findings.push(
      finding(
        'Critical',
        'solution-unique-name',
        `solution UniqueName "${uniqueName}" is invalid: letters, digits and underscores only, starting with a letter or underscore, at most ${UNIQUE_NAME_MAX} characters`,
        {
          ...at('UniqueName'),
          fix: 'use a name such as PartnerCenterConnector (the display name goes in LocalizedNames)',
        },
      ),
    );
  }
  if (prefix !== undefined && (!PREFIX_PATTERN.test(prefix) || prefix.toLowerCase().startsWith(RESERVED_PREFIX))) {
    findings.push(
      finding(
        'Critical',
        'publisher-prefix',
        `publisher CustomizationPrefix "${prefix}" is invalid: 2 to 8 letters or digits, starting with a letter, not starting with "${RESERVED_PREFIX}"`,
        {
          ...at('Publisher/CustomizationPrefix'),
          fix: 'use the prefix of the publisher record in the target environment (e.g. pcc)',
        },
      ),
    );
  }
  if (optionValuePrefix !== undefined && !isOptionValuePrefix(optionValuePrefix)) {
    findings.push(
      finding(
        'Critical',
        'publisher-option-prefix',
        `publisher CustomizationOptionValuePrefix "${optionValuePrefix}" is invalid: an integer from ${OPTION_VALUE_PREFIX_MIN} to ${OPTION_VALUE_PREFIX_MAX}`,
        {
          ...at('Publisher/CustomizationOptionValuePrefix'),
          fix: 'use the option value prefix of the publisher record (e.g. 10000)',
        },
      ),
    );
  }
  return findings;
}

function isValidVersion(version: string): boolean {
  return VERSION_PATTERN.test(version) && version.split('.').every((part) => Number(part) <= MAX_VERSION_PART);
}

const isOptionValuePrefix = (value: string): boolean =>
  /^\d+$/.test(value) && Number(value) >= OPTION_VALUE_PREFIX_MIN && Number(value) <= OPTION_VALUE_PREFIX_MAX;

function checkRootComponents(manifest: Manifest): Finding[] {
  const findings = manifest.rootComponents.flatMap(checkRootComponent);
  for (const group of duplicatesBy(manifest.rootComponents, rootKey, true).values()) {
    const first = group[0];
    if (!first) continue;
    findings.push(
      finding(
        'Low',
        'root-component-duplicate',
        `root component type ${first.rawType} ${first.schemaName ?? first.id ?? ''} is listed ${group.length} times`,
        {
          entry: SOLUTION_XML,
          where: group[1]?.el ?? first.el,
          fix: 'list each root component once',
        },
      ),
    );
  }
  return findings;
}

const rootKey = (root: RootComponent): string | undefined =>
  root.type === undefined ? undefined : `${root.type}|${root.schemaName ?? ''}|${root.id ? root.id.replace(/[{}]/g, '') : ''}`;

function checkRootComponent(root: RootComponent): Finding[] {
  const place = { entry: SOLUTION_XML, where: root.el };
  const invalid = (problem: string, fix: string): Finding[] => [
    finding('High', 'root-component-invalid', `RootComponent ${problem}`, { ...place, fix }),
  ];
  if (root.type === undefined)
    return invalid(
      `type="${root.rawType}" is not a component type number`,
      'use the numeric component type (1 table, 29 flow, 60 form, 66 custom control…)',
    );
  if (root.type >= FIRST_ENVIRONMENT_TYPE) {
    return [
      finding(
        'High',
        'root-component-type',
        `RootComponent type ${root.type} is a per-environment code (solution-aware tables such as connection references or environment variables); exports never list these and the import fails`,
        {
          ...place,
          fix: 'remove it: connection references travel in <connectionreferences> of customizations.xml, environment variables in environmentvariabledefinitions/',
        },
      ),
    ];
  }
  if (root.behavior !== undefined && !BEHAVIORS.includes(root.behavior)) {
    return invalid(
      `behavior="${root.behavior}" is not 0 (include subcomponents), 1 (do not include) or 2 (shell)`,
      'use behavior 0, 1 or 2',
    );
  }
  if (ID_TYPES.includes(root.type)) {
    if (root.id === undefined || !GUID_PATTERN.test(root.id)) {
      return invalid(
        `type ${root.type} needs id="{guid}" (found ${root.id === undefined ? 'none' : `"${root.id}"`})`,
        'write the component id in braces, e.g. id="{79cc39cc-595a-ee11-be6f-6045bd033774}"',
      );
    }
  } else if (!root.schemaName && !root.id) {
    return invalid(`type ${root.type} has neither schemaName nor id`, 'add schemaName="<component schema name>"');
  }
  return [];
}
