import { posix } from 'node:path';
import type { Finding } from '../types.js';
import { finding, type RuleContext } from './common.js';
import { ControlManifests } from './control-manifests.js';

/**
 * Code components: every file the packaged ControlManifest.xml names under `<resources>` (code, css, resx, img,
 * html) is in the package beside it. Dataverse loads the control from those files; a manifest whose bundle.js is
 * missing imports a control that cannot load.
 */
export function checkControls({ pkg }: RuleContext): Finding[] {
  const manifests = new ControlManifests(pkg);
  return (pkg.customizations?.customControls ?? []).flatMap((control) => {
    const packaged = manifests.get(control.name);
    if (!packaged?.manifest) return []; // a missing or broken manifest is reported by cross-references and forms
    const folder = posix.dirname(packaged.entry);
    return packaged.manifest.resourceFiles
      .filter((file) => !pkg.byName.has(posix.join(folder, file)))
      .map((file) =>
        finding(
          'High',
          'custom-control-resource-missing',
          `${packaged.entry} names ${file} in <resources>, which is not in the package at ${posix.join(folder, file)}; the control cannot load`,
          {
            entry: packaged.entry,
            fix: 'package every file of the built control (pcf-scripts writes them to out/controls/<control>/), or rebuild the control',
          },
        ),
      );
  });
}
