import { CUSTOMIZATIONS_XML } from '../../../core/package/reader.js';
import type { Finding } from '../types.js';
import { MICROSOFT_XSD_VERSION, validateXml } from '../xsd.js';
import { finding, type RuleContext } from './common.js';

/** A broken file can give thousands of errors; the first ones say what is wrong. */
const MAX_XSD_FINDINGS = 50;
const XSD_FAILURE_PREFIX = 'The import file is invalid. XSD validation failed with the following error:';

/**
 * customizations.xml must be well-formed and valid against CustomizationsSolution.xsd: Dataverse
 * validates it on import and rejects the whole solution on the first error.
 */
export function checkCustomizationsXsd({ pkg, validators }: RuleContext): Finding[] {
  const parsed = pkg.customizationsXml;
  if (!parsed) return [];
  if (!parsed.ok) {
    return [
      finding('Critical', 'customizations-xml-invalid', `customizations.xml is not well-formed XML: ${parsed.message}`, {
        entry: CUSTOMIZATIONS_XML,
        where: `line ${parsed.line}`,
        fix: 'restore the file from the original export or rebuild the zip with `cosell build`',
      }),
    ];
  }
  const entry = pkg.byName.get(CUSTOMIZATIONS_XML);
  if (!entry) return [];
  const issues = validateXml(validators.customizations, entry.data, CUSTOMIZATIONS_XML);
  const findings = issues.slice(0, MAX_XSD_FINDINGS).map((issue) =>
    finding('Critical', 'customizations-xsd', `${XSD_FAILURE_PREFIX} '${issue.message}'`, {
      entry: CUSTOMIZATIONS_XML,
      where: `${issue.path ?? ''} (line ${issue.line})`.trim(),
      fix: `make the element match CustomizationsSolution.xsd ${MICROSOFT_XSD_VERSION} (with the documented modern-export patches, packaging/check/xsd/README.md), or remove it`,
    }),
  );
  if (issues.length > MAX_XSD_FINDINGS) {
    findings.push(
      finding('Critical', 'customizations-xsd', `… and ${issues.length - MAX_XSD_FINDINGS} more XSD errors in customizations.xml`, {
        entry: CUSTOMIZATIONS_XML,
      }),
    );
  }
  return findings;
}
