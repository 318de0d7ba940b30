import { CUSTOMIZATIONS_XML } from '../../../core/package/reader.js';
import type { Finding } from '../types.js';
import { descendants, select, type XElement } from '../../../core/xml/tree.js';
import { MICROSOFT_XSD_VERSION, validateXml } from '../xsd.js';
import { finding, type RuleContext } from './common.js';

/** A broken file can give thousands of errors; the first ones say what is wrong. */
const MAX_XSD_FINDINGS = 50;
const XSD_FAILURE_PREFIX = 'The import file is invalid. XSD validation failed with the following error:';
/** Site map nodes that may carry the merge attributes of a managed diff (xsd-patches.ts, diff-sitemap-*). */
const SITEMAP_NODES = ['Area', 'Group', 'SubArea', 'Title'];
const DIFF_ATTRIBUTES = ['ordinalvalue', 'solutionaction'];

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
  findings.push(...unmanagedSiteMapDiffs(pkg.manifest?.managed, parsed.root));
  if (issues.length > MAX_XSD_FINDINGS) {
    findings.push(
      finding('Critical', 'customizations-xsd', `… and ${issues.length - MAX_XSD_FINDINGS} more XSD errors in customizations.xml`, {
        entry: CUSTOMIZATIONS_XML,
      }),
    );
  }
  return findings;
}

/**
 * The schema is patched to admit solutionaction/ordinalvalue on site map nodes because a MANAGED export
 * carries another publisher's app site map as a diff (corpus: SalesHub_Customization managed). An
 * unmanaged solution with them is rejected: Ardalyst/Celedon-Autonumber-RTM#25 reports "The 'ordinalvalue'
 * attribute is not declared." on the import of an unmanaged solution with a <SiteMap>. So they stay
 * Critical outside a managed solution.
 */
function unmanagedSiteMapDiffs(managed: string | undefined, root: XElement): Finding[] {
  if (managed === '1') return [];
  const siteMaps = [...select(root, 'SiteMap/SiteMap'), ...select(root, 'AppModuleSiteMaps/AppModuleSiteMap/SiteMap')];
  return siteMaps.flatMap((siteMap) =>
    SITEMAP_NODES.flatMap((name) => descendants(siteMap, name)).flatMap((node) =>
      DIFF_ATTRIBUTES.filter((attribute) => node.attrs[attribute] !== undefined).map((attribute) =>
        finding('Critical', 'customizations-xsd', `${XSD_FAILURE_PREFIX} 'The '${attribute}' attribute is not declared.'`, {
          entry: CUSTOMIZATIONS_XML,
          where: node,
          fix: `remove ${attribute} from the site map's <${node.name}>: only a managed solution carries a site map diff`,
        }),
      ),
    ),
  );
}
