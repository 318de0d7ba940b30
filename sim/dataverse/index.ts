/** The Dataverse emulator of the offline rehearsal: see CONTRACT.md. */
export { DataverseEmulator, type DataverseCall, type DataverseEmulatorOptions, type RowCallback } from './emulator.js';
export { DATAVERSE_API, dataverseConnector, itemOf, type DataverseConnector } from './connector.js';
export { DataverseError } from './errors.js';
export { SEEDED_CURRENCIES, buildMetadata, type AttributeDef, type EntityDef, type Metadata } from './metadata.js';
export { compileFilter, parseFilter } from './odata.js';
