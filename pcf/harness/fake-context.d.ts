/** Types of fake-context.js (shared by the jest tests and the browser harness). */
import type { IInputs, IOutputs } from '../PartnerCenterSection/generated/ManifestTypes';

export interface HostOptions {
  Control: new () => ComponentFramework.ReactControl<IInputs, IOutputs>;
  React?: unknown;
  ReactDOM?: { render(element: unknown, container: Element): void };
  container?: Element;
  values?: Record<string, unknown>;
  columns?: Record<string, string>;
  options?: Record<string, Array<{ Value: number; Label: string }>>;
  security?: Record<string, { readable?: boolean; editable?: boolean }>;
  strings?: Record<string, string>;
  languageId?: number;
  disabled?: boolean;
  entityId?: string;
  timeZoneOffsetMinutes?: number;
  data?: {
    tables?: Record<string, Array<Record<string, unknown>>>;
    records?: Record<string, Record<string, Record<string, unknown>>>;
    environmentVariables?: Array<Record<string, unknown>>;
    fail?: boolean;
    delayMs?: number;
  };
}

export interface WebApiCall {
  op: string;
  entity: string;
  id?: string;
  query: string;
}

export interface Host {
  control: ComponentFramework.ReactControl<IInputs, IOutputs>;
  outputs: Array<Record<string, unknown>>;
  values: Record<string, unknown>;
  webAPI: { calls: WebApiCall[] };
  readonly context: ComponentFramework.Context<IInputs>;
  render(): unknown;
  setValues(changes: Record<string, unknown>): unknown;
}

export function parseResx(xml: string): Record<string, string>;
export function createHost(options: HostOptions): Host;
export function fakeWebApi(
  data: NonNullable<HostOptions['data']>,
): Pick<ComponentFramework.WebApi, 'retrieveMultipleRecords' | 'retrieveRecord'> & { calls: WebApiCall[] };
