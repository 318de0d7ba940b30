import { createHash } from 'node:crypto';
import type { ZipEntry } from '../../core/io/zip.js';
import { compareVersions } from '../../core/version.js';
import { parseXmlTree } from '../../core/xml/tree.js';
import { CONTROL_MANIFEST, readControlManifest } from '../control-manifest.js';
import { finding } from './rules/common.js';
import type { Finding } from './types.js';

/**
 * `cosell check --previous <zip>`: what an upgrade from the previous release would silently skip. Dataverse
 * replaces an installed code component's files only when the imported manifest's `version` is higher than
 * the installed one's (solution/control-version.ts), so a control whose bundle.js (or any other file of its
 * folder: resx, css) changed while its version did not rise keeps running the old code after the upgrade:
 * High `control-version-not-raised`.
 */
export function checkAgainstPrevious(current: readonly ZipEntry[], previous: readonly ZipEntry[], previousLabel: string): Finding[] {
  const before = controlsOf(previous);
  const findings: Finding[] = [];
  for (const [key, control] of controlsOf(current)) {
    const old = before.get(key);
    const name = control.name;
    if (!old || control.version === undefined || old.version === undefined) continue;
    const changed = changedFiles(control.files, old.files);
    if (changed.length === 0 || compareVersions(control.version, old.version) > 0) continue;
    findings.push(
      finding(
        'High',
        'control-version-not-raised',
        `code component ${name}: ${changed.join(', ')} changed since ${previousLabel}, but its version is ${control.version} (was ${old.version}); an upgrade keeps the installed files, so the change never reaches users`,
        {
          entry: control.manifestEntry,
          fix: 'raise the control version (cosell build derives it from solution.version: raise that and rebuild)',
        },
      ),
    );
  }
  return findings;
}

interface PackagedControl {
  manifestEntry: string;
  version: string | undefined;
  /** Files of the control's folder other than its manifest, by path inside the folder, as content hashes. */
  files: Map<string, string>;
}

const MANIFEST_ENTRY = new RegExp(`^Controls/([^/]+)/${CONTROL_MANIFEST}$`, 'i');

/** The code components of a zip by lower-cased folder name: manifest version and file hashes. */
function controlsOf(entries: readonly ZipEntry[]): Map<string, PackagedControl & { name: string }> {
  const controls = new Map<string, PackagedControl & { name: string }>();
  for (const entry of entries) {
    const match = MANIFEST_ENTRY.exec(entry.name);
    if (!match) continue;
    const name = match[1]!;
    const parsed = parseXmlTree(entry.data, entry.name);
    const version = parsed.ok ? readControlManifest(parsed.root)?.version || undefined : undefined;
    const folder = `Controls/${name}/`.toLowerCase();
    const files = new Map(
      entries
        .filter((file) => file.name.toLowerCase().startsWith(folder) && file !== entry)
        .map((file) => [file.name.slice(folder.length).toLowerCase(), createHash('sha256').update(file.data).digest('hex')]),
    );
    controls.set(name.toLowerCase(), { name, manifestEntry: entry.name, version, files });
  }
  return controls;
}

/** Files added, removed or changed between two releases of a control folder, sorted. */
function changedFiles(now: ReadonlyMap<string, string>, before: ReadonlyMap<string, string>): string[] {
  const names = new Set([...now.keys(), ...before.keys()]);
  return [...names].filter((name) => now.get(name) !== before.get(name)).sort();
}
