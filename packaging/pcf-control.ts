import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { PartnerCenterControl, partnerCenterControlName } from '../solution/cosell.js';
import type { CodeComponent } from '../solution/model.js';
import { parseXmlTree } from '../core/xml/tree.js';
import { UserError } from '../core/errors.js';
import { CONTROL_MANIFEST, readControlManifest } from './control-manifest.js';

/** Where `npm run pcf:build` (pcf-scripts) writes the control, relative to the project folder. */
export const PCF_CONTROL_OUT = path.join('pcf', 'out', 'controls', PartnerCenterControl.Constructor);

const BUNDLE = 'bundle.js';
const RUN_PCF_BUILD = 'run the PCF build first: `npm run pcf:build` (`npm run build` runs it before `cosell build`)';

/**
 * Reads the built control (`ControlManifest.xml`, `bundle.js` and the css/resx files the manifest
 * names) into the `CodeComponent` the packaging writes under `Controls/<prefix>_CoSell.PartnerCenterSection/`.
 * A missing or foreign build is a UserError that says to run the PCF build.
 */
export async function readBuiltControl(dir: string, prefix: string, shownDir = dir): Promise<CodeComponent> {
  const manifestPath = path.join(dir, CONTROL_MANIFEST);
  if (!existsSync(manifestPath)) {
    throw new UserError(shownDir, undefined, `has no built PCF control (${CONTROL_MANIFEST} is missing)`, RUN_PCF_BUILD);
  }
  const manifestBytes = new Uint8Array(await readFile(manifestPath));
  const parsed = parseXmlTree(manifestBytes, manifestPath);
  const manifest = parsed.ok ? readControlManifest(parsed.root) : undefined;
  if (!manifest) {
    throw new UserError(
      path.join(shownDir, CONTROL_MANIFEST),
      parsed.ok ? undefined : `line ${parsed.line}`,
      parsed.ok ? 'is not a PCF control manifest (<manifest><control>)' : `is not well-formed XML (${parsed.message})`,
      RUN_PCF_BUILD,
    );
  }
  if (manifest.namespace !== PartnerCenterControl.Namespace || manifest.constructor !== PartnerCenterControl.Constructor) {
    throw new UserError(
      path.join(shownDir, CONTROL_MANIFEST),
      'manifest/control',
      `is control ${manifest.namespace}.${manifest.constructor}, not ${PartnerCenterControl.Namespace}.${PartnerCenterControl.Constructor}`,
      'point the build at pcf/out/controls/PartnerCenterSection',
    );
  }
  const paths = [...new Set(manifest.resourceFiles.filter((file) => file !== CONTROL_MANIFEST))];
  if (!paths.includes(BUNDLE)) {
    throw new UserError(
      path.join(shownDir, CONTROL_MANIFEST),
      'manifest/control/resources',
      `names no ${BUNDLE} (code path: ${manifest.resourceFiles[0] ?? 'none'}): this is the input manifest, not the built one`,
      RUN_PCF_BUILD,
    );
  }
  const files: Array<{ path: string; data: Uint8Array }> = [{ path: CONTROL_MANIFEST, data: manifestBytes }];
  for (const file of paths) {
    const full = path.join(dir, ...file.split('/'));
    if (file.split('/').includes('..') || !existsSync(full)) {
      throw new UserError(shownDir, file, `is named by ${CONTROL_MANIFEST} but missing from the build output`, RUN_PCF_BUILD);
    }
    files.push({ path: file, data: new Uint8Array(await readFile(full)) });
  }
  return { name: partnerCenterControlName(prefix), files, properties: manifest.properties };
}
