/** Rewrites README.md's connector-contract table from contracts/connectors (`npm run docs:contracts`). */
import { readFileSync } from 'node:fs';
import { connectorContracts } from '../contracts/index.js';
import { withContractFacts } from '../contracts/readme.js';
import { writeFileAtomic } from '../core/io/atomic.js';
import { projectFile } from '../core/paths.js';

const readmePath = projectFile('README.md');
const updated = withContractFacts(readFileSync(readmePath, 'utf8'), connectorContracts());
await writeFileAtomic(readmePath, updated);
console.log('README.md: connector contract table regenerated');
