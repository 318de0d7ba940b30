/** The Dataverse emulator of the offline rehearsal: see CONTRACT.md. */
export { DataverseEmulator } from './emulator.js';
export { dataverseConnector } from './connector.js';
