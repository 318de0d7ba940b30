import type { PacConfig } from './config/config.js';

/**
 * The built-in default configuration: what the project's pac.config.json holds when cloned. Files generated
 * for the PCF control take their default names from it, never from the user's pac.config.json, so editing
 * that file cannot change a tracked file (the control reads the real prefix from its bound columns).
 */
export const DEFAULT_CONFIG: PacConfig = {
  publisher: {
    uniqueName: 'cosellsync',
    displayName: 'Co-sell Sync',
    description: 'Publisher of the co-sell sync solution for Partner Center referrals.',
    customizationPrefix: 'pcs',
    optionValuePrefix: 10437,
  },
  solution: {
    uniqueName: 'CoSellSync',
    displayName: 'Co-sell sync for Partner Center',
    description: 'Keeps Microsoft Partner Center co-sell referrals and Dynamics 365 opportunities in sync.',
    version: '1.0.0.0',
  },
  form: { mode: 'existingForm', formId: 'a837e4a7-01b8-4f82-a475-be9abd67e667' },
};

/** A fresh copy, for callers that edit it. */
export const defaultConfigCopy = (): PacConfig => structuredClone(DEFAULT_CONFIG);
