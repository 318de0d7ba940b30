/**
 * The deployment record: which artefact (zip SHA-256, solution, version) each environment got from `deploy`, so
 * `promote` can insist on the very file staging was given. Kept in `.cosell/deployments.json` (commit it, or keep
 * it as a pipeline artefact); written atomically. Holds no secret.
 */
import { readFile } from 'node:fs/promises';
import { UserError } from '../core/errors.js';
import { writeFileAtomic } from '../core/io/atomic.js';

export const DEFAULT_RECORD_FILE = '.cosell/deployments.json';

export interface DeploymentEntry {
  solution: string;
  version: string;
  sha256: string;
  zip: string;
  orgUrl: string;
  deployedAt: string;
}

export interface DeploymentRecord {
  environments: Record<string, DeploymentEntry>;
}

export async function readRecord(file: string, shown: string): Promise<DeploymentRecord> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { environments: {} };
    throw new UserError(
      shown,
      undefined,
      `cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)})`,
      'check its permissions',
    );
  }
  try {
    const data = JSON.parse(text) as DeploymentRecord;
    if (typeof data.environments !== 'object' || data.environments === null) throw new Error('no environments');
    return data;
  } catch {
    throw new UserError(
      shown,
      undefined,
      'is not a deployment record',
      'restore it from version control, or delete it and deploy to staging again',
    );
  }
}

export async function writeRecord(file: string, record: DeploymentRecord): Promise<void> {
  await writeFileAtomic(file, `${JSON.stringify(record, null, 2)}\n`);
}
