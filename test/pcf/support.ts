import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { projectFile } from '../../core/paths.js';

/** The control's source folder (pcf/PartnerCenterSection). */
export const PCF_SOURCE = projectFile('pcf', 'PartnerCenterSection');

/**
 * Writes what `pcf-scripts build` puts in `out/controls/PartnerCenterSection/`, made from the control's
 * source (its manifest with the code path pcf-scripts writes, the resx files, a stand-in bundle.js), so
 * root tests package the real manifest without running the PCF build.
 */
export async function writeBuiltControlFixture(dir: string, edit: (manifest: string) => string = (text) => text): Promise<string> {
  const input = await readFile(path.join(PCF_SOURCE, 'ControlManifest.Input.xml'), 'utf8');
  const built = input
    .replace(/<!--[\s\S]*?-->\s*/g, '')
    .replace('<code path="index.ts" order="1" />', '<code path="bundle.js" order="1" />')
    .replace('control-type="virtual">', 'control-type="virtual" api-version="1.3.18">')
    .replace('</control>', '  <built-by name="pac" version="1.51.1" />\n  </control>');
  await mkdir(path.join(dir, 'strings'), { recursive: true });
  await writeFile(path.join(dir, 'ControlManifest.xml'), edit(built));
  await writeFile(path.join(dir, 'bundle.js'), '/* stand-in for the pcf-scripts bundle */\n');
  for (const language of [1033, 1028]) {
    const file = `PartnerCenterSection.${language}.resx`;
    await writeFile(path.join(dir, 'strings', file), await readFile(path.join(PCF_SOURCE, 'strings', file)));
  }
  return dir;
}

/** The fixture where `cosell build` looks by default, inside a project folder. */
export const writeProjectControl = (projectDir: string): Promise<string> =>
  writeBuiltControlFixture(path.join(projectDir, 'pcf', 'out', 'controls', 'PartnerCenterSection'));
